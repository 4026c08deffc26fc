import { z } from 'zod';
import type { ApiArea } from './operation.ts';

/** A JSON-RPC 2.0 message: request, notification, result or error (the MCP specification's). */
const jsonRpcMessage = z.looseObject({ jsonrpc: z.literal('2.0') });

const jsonRpcError = z.object({
  jsonrpc: z.literal('2.0'),
  error: z.object({ code: z.number().int(), message: z.string() }),
  id: z.null(),
});

const sessionHeader = z.object({
  'mcp-session-id': z
    .string()
    .optional()
    .describe('The session, from the initialize response; required except on initialize.'),
});

const missingSession = { description: 'No `Mcp-Session-Id` header (JSON-RPC error).', json: jsonRpcError };
const unknownSession = { description: 'Unknown or expired session (JSON-RPC error).', json: jsonRpcError };

/** routes/mcp.ts */
export const mcpArea: ApiArea = {
  tag: 'MCP',
  description:
    "Sluice's agents as tools of an MCP server over Streamable HTTP (the official SDK's transport): progress notifications while they run, resumable streams. See docs/mcp.md.",
  schemas: { JsonRpcMessage: jsonRpcMessage, JsonRpcError: jsonRpcError },
  operations: [
    {
      method: 'POST',
      path: '/mcp',
      operationId: 'mcpPost',
      summary: 'Send JSON-RPC messages',
      description:
        'An `initialize` without `Mcp-Session-Id` opens a session (its id comes back in that header). Send `Accept: application/json, text/event-stream`.',
      headers: sessionHeader,
      body: jsonRpcMessage,
      examples: [
        {
          headers: { accept: 'application/json, text/event-stream' },
          body: {
            jsonrpc: '2.0',
            id: 1,
            method: 'initialize',
            params: {
              protocolVersion: '2025-06-18',
              capabilities: {},
              clientInfo: { name: 'docs', version: '1' },
            },
          },
        },
      ],
      responses: {
        200: {
          description: 'The responses, as JSON or as an event stream of JSON-RPC messages.',
          json: jsonRpcMessage,
          events: jsonRpcMessage,
          headers: { 'mcp-session-id': 'The session (on initialize).' },
        },
        202: { description: 'Notifications or responses accepted.' },
        404: unknownSession,
      },
      errors: [],
    },
    {
      method: 'GET',
      path: '/mcp',
      operationId: 'mcpStream',
      summary: "Open the session's stream, or resume one with Last-Event-ID",
      headers: sessionHeader.extend({
        'last-event-id': z.string().optional().describe('Resume a stream after this event, on any instance.'),
      }),
      responses: {
        200: { description: 'Server-to-client JSON-RPC messages.', events: jsonRpcMessage },
        400: missingSession,
        404: unknownSession,
      },
      errors: [],
    },
    {
      method: 'DELETE',
      path: '/mcp',
      operationId: 'mcpClose',
      summary: 'End the session',
      headers: sessionHeader,
      responses: { 200: { description: 'Closed.' }, 400: missingSession, 404: unknownSession },
      errors: [],
    },
  ],
};
