import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Relative asset URLs: the same build works at `/` and at `/test`.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  server: { proxy: { '/api': 'http://127.0.0.1:8081' } },
});
