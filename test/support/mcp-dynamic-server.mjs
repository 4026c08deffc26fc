// A small MCP server over stdio, on the official SDK: `add_tool {name}` registers a tool `name`
// that answers "hello from <name>". Registering while connected makes the SDK send
// notifications/tools/list_changed, which is what the tests need from it.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer(
  { name: 'dynamic', version: '1.0.0' },
  { capabilities: { tools: { listChanged: true } } },
);
server.registerTool(
  'add_tool',
  { description: 'Adds a tool.', inputSchema: { name: z.string().regex(/^[a-z_]{1,20}$/) } },
  async ({ name }) => {
    server.registerTool(name, { description: `Says hello from ${name}.` }, async () => ({
      content: [{ type: 'text', text: `hello from ${name}` }],
    }));
    return { content: [{ type: 'text', text: `added ${name}` }] };
  },
);
process.stdin.on('end', () => process.exit(0));
await server.connect(new StdioServerTransport());
