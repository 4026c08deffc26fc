export {
  AGENT_EXECUTION_FAILURE,
  type BillingDecision,
  type BillingInput,
  type BillingPrices,
  type BillingReason,
  decideBilling,
} from './billing.ts';
export { type Logger, silentLogger } from './logger.ts';
export { ProviderSet, type ProviderSettings, type ResolvedModel } from './providers.ts';
export { type LeaseSettings, RunLeases } from './run-leases.ts';
export { RunLog } from './run-log.ts';
export {
  type Multitask,
  type RunEnd,
  RunManager,
  type RunManagerDeps,
  type RunSettings,
  type StartRunRequest,
  toChatHistory,
} from './run-manager.ts';
export { RunReaper, type RunReaperDeps } from './run-reaper.ts';
