// Builds the web console (web/ -> web/dist) when web/dist is missing or older than a file under
// web/ (its sources, index.html, vite.config.ts) or the client SDK it bundles. `prestart` and the
// test runner call it, so a fresh clone serves the built page without a separate build command.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const built = join(root, 'web', 'dist', 'index.html');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'dist' || entry === 'node_modules' || entry.endsWith('.test.ts')) continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

const sources = [join(root, 'web'), join(root, 'src', 'client'), join(root, 'src', 'protocol')];
const stale = !existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs;
if (stale || process.argv.includes('--force')) {
  console.error('== building the web console (web/dist)');
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      join(root, 'web', 'vite.config.ts'),
      '--logLevel',
      'warn',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}
