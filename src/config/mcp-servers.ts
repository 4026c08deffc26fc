import { z } from 'zod';
import { MCP_SERVER_NAME_PATTERN } from '../tools/mcp-names.ts';

const name = z
  .string()
  .regex(MCP_SERVER_NAME_PATTERN, 'letters, digits, - and single _ (not at the end); at most 32');
/** No result and no progress for this long fails a call. */
const timeoutMs = z.number().int().positive().default(60_000);
/** A call fails after this long, progress or not. */
const maxTotalMs = z.number().int().positive().default(600_000);

/** An MCP server to take tools from: a command run over stdio, or a Streamable HTTP URL. */
export const mcpServerConfigSchema = z.union([
  z.strictObject({
    name,
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    /** Added to the few variables the SDK passes on (PATH, HOME, ...); the rest are not inherited. */
    env: z.record(z.string(), z.string()).optional(),
    cwd: z.string().min(1).optional(),
    timeout_ms: timeoutMs,
    max_total_ms: maxTotalMs,
  }),
  z.strictObject({
    name,
    url: z.string().url(),
    headers: z.record(z.string(), z.string()).optional(),
    timeout_ms: timeoutMs,
    max_total_ms: maxTotalMs,
  }),
]);
export type McpServerConfig = z.infer<typeof mcpServerConfigSchema>;

export const mcpServersSchema = z
  .array(mcpServerConfigSchema)
  .default([])
  .superRefine((servers, ctx) => {
    const seen = new Set<string>();
    servers.forEach((server, index) => {
      if (seen.has(server.name)) {
        ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `"${server.name}" is used twice` });
      }
      seen.add(server.name);
    });
  });
