import { z } from 'zod';
import type { ApiArea } from './operation.ts';

const toolList = z.object({
  items: z.array(
    z.object({
      agent_id: z.string(),
      tools: z.array(
        z.object({
          name: z.string(),
          source: z.string().describe('`builtin` or `mcp:<server>`.'),
          description: z.string(),
          parameters: z.record(z.string(), z.unknown()).describe('The JSON Schema the model sees.'),
        }),
      ),
      unavailable: z.array(z.string()).describe("Entries of the agent's `tools` that match nothing yet."),
    }),
  ),
  mcp_servers: z.array(
    z.object({
      name: z.string(),
      transport: z.string(),
      state: z.string(),
      tools: z.array(z.string()),
      last_error: z.string().nullable(),
    }),
  ),
});

/** routes/tools.ts */
export const toolsArea: ApiArea = {
  tag: 'Tools',
  description: 'The tools each agent may call, and how the MCP servers they come from stand.',
  schemas: { ToolList: toolList },
  operations: [
    {
      method: 'GET',
      path: '/api/tools',
      operationId: 'listTools',
      summary: "Each agent's tools, with their JSON Schemas",
      responses: { 200: { description: 'Per agent, the tools it may call now.', json: toolList } },
      errors: [],
    },
  ],
};
