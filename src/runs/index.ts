export { type Logger, silentLogger } from './logger.ts';
export { type ProviderSettings, ProviderSet, type ResolvedModel } from './providers.ts';
export { type Multitask, RunManager, type RunManagerDeps, type RunSettings, type StartRunRequest } from './run-manager.ts';
export { RunLog } from './run-log.ts';
