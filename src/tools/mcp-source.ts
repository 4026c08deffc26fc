import type { Tool as McpToolInfo } from '@modelcontextprotocol/sdk/types.js';
import { McpConnection, type McpConnectionOptions, type McpServerSpec } from './mcp-connection.ts';
import { mcpToolName } from './mcp-names.ts';
import { mcpTool } from './mcp-tool.ts';
import type { ToolRegistry } from './registry.ts';

export interface McpServerStatus {
  name: string;
  transport: McpServerSpec['transport'];
  state: McpConnection['state'];
  /** Registry names of the server's tools (the last list seen, kept while reconnecting). */
  tools: string[];
  last_error: string | null;
}

export type McpToolSourceOptions = Omit<McpConnectionOptions, 'onTools'>;

/**
 * Tools from MCP servers, kept in a ToolRegistry as `server__tool`. Each server's tools are
 * registered when it connects and replaced whenever it lists them again (reconnect,
 * `notifications/tools/list_changed`); while a server reconnects its last tools stay registered,
 * so a call made then waits briefly for it or fails with a clear message.
 */
export class McpToolSource {
  private readonly connections: McpConnection[];
  /** Registry names per server, for replacing them. */
  private readonly registered = new Map<string, string[]>();

  constructor(
    private readonly registry: ToolRegistry,
    specs: readonly McpServerSpec[],
    options: McpToolSourceOptions,
  ) {
    this.connections = specs.map((spec) => {
      const connection: McpConnection = new McpConnection(spec, {
        ...options,
        onTools: (tools) => this.replace(connection, tools),
      });
      return connection;
    });
  }

  /** Connects every server; resolves when each has connected or failed once (then retries alone). */
  async start(): Promise<void> {
    await Promise.all(this.connections.map((connection) => connection.start()));
  }

  status(): McpServerStatus[] {
    return this.connections.map((connection) => ({
      name: connection.spec.name,
      transport: connection.spec.transport,
      state: connection.state,
      tools: this.registered.get(connection.spec.name) ?? [],
      last_error: connection.lastError,
    }));
  }

  /** The connection to a server by name (tests read the stdio server's pid from it). */
  connection(name: string): McpConnection | undefined {
    return this.connections.find((connection) => connection.spec.name === name);
  }

  private replace(connection: McpConnection, tools: McpToolInfo[]): void {
    const { spec } = connection;
    const taken = new Set<string>();
    const fresh = tools.map((tool) => {
      const name = mcpToolName(spec.name, tool.name, taken);
      taken.add(name);
      return mcpTool(name, tool, connection);
    });
    for (const name of this.registered.get(spec.name) ?? []) this.registry.unregister(name);
    for (const tool of fresh) this.registry.register(tool);
    this.registered.set(
      spec.name,
      fresh.map((tool) => tool.name),
    );
  }

  /** Closes every connection (a stdio server's process ends) and unregisters their tools. */
  async close(): Promise<void> {
    await Promise.all(this.connections.map((connection) => connection.close()));
    for (const names of this.registered.values()) for (const name of names) this.registry.unregister(name);
    this.registered.clear();
  }
}
