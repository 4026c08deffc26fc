export { AgentCatalog } from './catalog.ts';
export { conversationEnd } from './conversation-end.ts';
export type { AgentDefinition, ModelSettings } from './definition.ts';
export type { AgentLimits, AgentMessage, AgentRunInput, AgentRunResult, ToolResultRecord } from './loop.ts';
export { runAgent } from './loop.ts';
export { PRESET_AGENTS } from './presets.ts';
export type { EventSink } from './sink.ts';
export { toSluiceError } from './to-sluice-error.ts';
export { addUsage, emptyUsage } from './usage.ts';
