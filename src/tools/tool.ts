import type { z } from 'zod';
import type { Language } from '../protocol/index.ts';

/** A document a tool produced; the agent streams it as `design_document_generated`. */
export interface ToolDocument {
  /** Chosen by the tool (a UUID), so its result, the event and any saved file agree. */
  documentId: string;
  filename: string;
  content: string;
  /** `markdown`, `json`, ... */
  format: string;
}

export interface ToolContext {
  /** Aborts when the run is cancelled or the tool times out; long work must watch it. */
  signal: AbortSignal;
  /** Streams a `tool_call_progress` event. `fraction` is 0..1 when the tool knows it. */
  progress(message: string, fraction?: number): void;
  language: Language;
  runId: string;
  callId: string;
  /** Streams a document the tool produced. Absent outside an agent run, where nothing streams. */
  emitDocument?(document: ToolDocument): void;
  /**
   * Streams a custom event an extension registered (`acme.audit_note`). Throws when the type is
   * not registered or `data` fails its schema, so the tool call fails visibly. Absent when no
   * custom event types are registered or outside an agent run.
   */
  emitEvent?(type: string, data: unknown): void;
}

export interface Tool<Input = unknown> {
  name: string;
  /** Shown to the model; say what the tool does and when to use it. */
  description: string;
  inputSchema: z.ZodType<Input>;
  /** Result must be JSON-serialisable. Throwing makes the call fail; the error goes back to the model. */
  execute(input: Input, ctx: ToolContext): Promise<unknown>;
  /** Overrides the registry's default timeout for this tool. */
  timeoutMs?: number;
  /**
   * The model-facing JSON Schema of the input, used as-is instead of one derived from
   * `inputSchema` (tools from MCP servers arrive with JSON Schema; their zod schema is loose).
   */
  jsonSchema?: Record<string, unknown>;
  /** Where the tool comes from, e.g. `mcp:everything`; undefined means built in. */
  source?: string;
}
