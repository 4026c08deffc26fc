import type { McpServerSpec } from '../tools/mcp-connection.ts';
import { ConfigError } from './load.ts';
import type { SluiceConfig } from './schema.ts';

/** Name of the server `mcp_url` (MCP_URL) adds, as the streaming agent document reads it. */
export const MCP_URL_SERVER = 'mcp';

/** The configured MCP servers, then MCP_URL's; a config server may not also be named `mcp` then. */
export function mcpServerSpecs(config: SluiceConfig): McpServerSpec[] {
  const specs: McpServerSpec[] = config.mcp_servers.map((server) => {
    const common = { name: server.name, timeoutMs: server.timeout_ms, maxTotalMs: server.max_total_ms };
    if ('url' in server) {
      return {
        ...common,
        transport: 'http',
        url: server.url,
        ...(server.headers ? { headers: server.headers } : {}),
      };
    }
    return {
      ...common,
      transport: 'stdio',
      command: server.command,
      args: server.args,
      ...(server.env ? { env: server.env } : {}),
      ...(server.cwd ? { cwd: server.cwd } : {}),
    };
  });
  if (config.mcp_url) {
    if (specs.some((spec) => spec.name === MCP_URL_SERVER)) {
      throw new ConfigError(
        `invalid configuration:\n  mcp_servers: "${MCP_URL_SERVER}" is the name MCP_URL's server takes; rename the config entry or unset MCP_URL`,
      );
    }
    specs.push({
      name: MCP_URL_SERVER,
      transport: 'http',
      url: config.mcp_url,
      timeoutMs: 60_000,
      maxTotalMs: 600_000,
    });
  }
  return specs;
}
