export { type Logger, silentLogger } from './logger.ts';
export { ProviderSet, type ProviderSettings, type ResolvedModel } from './providers.ts';
export { RunLog } from './run-log.ts';
export {
  type Multitask,
  RunManager,
  type RunManagerDeps,
  type RunSettings,
  type StartRunRequest,
} from './run-manager.ts';
