/**
 * Sluice as a library: the server, its configuration, the canonical protocol, and the GTPlanner
 * API class. Browser clients import `sluice/client` instead.
 */
export { configSchema, loadConfig, type SluiceConfig } from './config/index.ts';
export { GTPlannerApi } from './dialects/index.ts';
export {
  CustomEventError,
  type ExtensionContext,
  type LoggedEvent,
  type SluiceExtension,
} from './extensions/index.ts';
export { type CreateServerOptions, createServer, type SluiceServer } from './http/index.ts';
export * from './protocol/index.ts';
export type { Tool, ToolContext, ToolDocument } from './tools/index.ts';
