export { buildApp } from './app.ts';
export type { AppContext } from './context.ts';
export { createServer, type CreateServerOptions, type SluiceServer } from './server.ts';
