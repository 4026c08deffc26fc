import type { CallToolResult, Tool as McpToolInfo, Progress } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { type McpConnection, textOf } from './mcp-connection.ts';
import type { Tool } from './tool.ts';

type McpInput = Record<string, unknown>;

/**
 * An MCP server's tool as a Sluice tool named `name`. The model sees the server's own JSON
 * Schema; Sluice checks only that the input is an object with the required keys, and leaves
 * the rest to the server, which answers a bad input with an error the model gets back.
 * Its timeout is the server's `maxTotalMs`: progress keeps a call alive up to that.
 */
export function mcpTool(name: string, info: McpToolInfo, connection: McpConnection): Tool<McpInput> {
  const { spec } = connection;
  const required = (info.inputSchema.required ?? []).filter((key): key is string => typeof key === 'string');
  return {
    name,
    description: info.description ?? info.title ?? `${info.name} (MCP server ${spec.name})`,
    inputSchema: looseInput(required),
    jsonSchema: modelSchema(info.inputSchema),
    source: `mcp:${spec.name}`,
    timeoutMs: spec.maxTotalMs,
    async execute(input, ctx) {
      const result = await connection.call(info.name, input, {
        signal: ctx.signal,
        onProgress: (progress) => {
          const { message, fraction } = describeProgress(info.name, progress);
          if (fraction === undefined) ctx.progress(message);
          else ctx.progress(message, fraction);
        },
      });
      return resultValue(result);
    },
  };
}

function looseInput(required: readonly string[]): z.ZodType<McpInput> {
  return z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    for (const key of required) {
      if (!(key in value)) ctx.addIssue({ code: 'custom', path: [key], message: 'required' });
    }
  });
}

/** The server's input schema without `$schema`, always an object schema with `properties`. */
function modelSchema(schema: McpToolInfo['inputSchema']): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = schema as Record<string, unknown>;
  return { ...rest, type: 'object', properties: schema.properties ?? {} };
}

/** The server's message when it sends one, else `tool: 3/5`; the fraction when a total is known. */
export function describeProgress(tool: string, progress: Progress): { message: string; fraction?: number } {
  const { total } = progress;
  const count = total === undefined ? `${progress.progress}` : `${progress.progress}/${total}`;
  const message = progress.message?.trim() ? progress.message : `${tool}: ${count}`;
  return total !== undefined && total > 0 ? { message, fraction: progress.progress / total } : { message };
}

/**
 * What the model and the stream get back: the structured content when the server gave one,
 * else the text when the result is all text, else the content parts as they came.
 */
export function resultValue(result: CallToolResult): unknown {
  if (result.structuredContent !== undefined) return result.structuredContent;
  if (result.content.every((part) => part.type === 'text')) return textOf(result);
  return result.content;
}
