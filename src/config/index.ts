export { agentFromConfig } from './agents.ts';
export { ConfigError, type ConfigSources, loadConfig, parseApiKeys } from './load.ts';
export { type AgentConfig, type ApiKeyConfig, configSchema, type SluiceConfig } from './schema.ts';
