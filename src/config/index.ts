export { agentFromConfig } from './agents.ts';
export { ConfigError, type ConfigSources, loadConfig, parseApiKeys } from './load.ts';
export { type McpServerConfig, mcpServerConfigSchema } from './mcp-servers.ts';
export { MCP_URL_SERVER, mcpServerSpecs } from './mcp-specs.ts';
export { type AgentConfig, type ApiKeyConfig, configSchema, type SluiceConfig } from './schema.ts';
