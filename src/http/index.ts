export { buildApp } from './app.ts';
export type { AppContext } from './context.ts';
export { type CreateServerOptions, createServer, type SluiceServer } from './server.ts';
