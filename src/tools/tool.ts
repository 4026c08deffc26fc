import type { z } from 'zod';
import type { Language } from '../protocol/index.ts';

export interface ToolContext {
  /** Aborts when the run is cancelled or the tool times out; long work must watch it. */
  signal: AbortSignal;
  /** Streams a `tool_call_progress` event. `fraction` is 0..1 when the tool knows it. */
  progress(message: string, fraction?: number): void;
  language: Language;
  runId: string;
  callId: string;
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
}
