import type { z } from 'zod';
import { type Language, text } from '../protocol/index.ts';
import type { Tool, ToolContext, ToolDocument } from './tool.ts';

export interface ToolOutcome {
  status: 'completed' | 'failed' | 'cancelled';
  /** The tool's result after a JSON round trip (what gets stored and streamed); null unless completed. */
  result: unknown;
  /** A sentence in the run's language; null when completed. */
  error: string | null;
  /** Seconds, from the call to the outcome. */
  executionTime: number;
}

export interface ExecuteContext {
  /** The run's signal: aborting it cancels the call. */
  signal: AbortSignal;
  progress(message: string, fraction?: number): void;
  language: Language;
  runId: string;
  callId: string;
  emitDocument?(document: ToolDocument): void;
  /** Checks and streams a custom event; throws when it is unregistered or invalid. */
  emitEvent?(type: string, data: unknown): void;
}

export interface ExecuteOptions {
  /** Used unless the tool sets its own `timeoutMs`. */
  timeoutMs: number;
}

const MAX_REPORTED_ISSUES = 5;

/**
 * Runs one tool call from the model's raw JSON arguments and NEVER throws: every problem becomes
 * a `failed` or `cancelled` outcome with a message in `ctx.language`. The tool gets a signal of its
 * own that aborts on cancel or timeout; the outcome does not wait for a tool that ignores it.
 * Progress and documents reported after the outcome is settled are dropped, so nothing follows the end.
 */
export async function executeTool(
  tool: Tool | undefined,
  name: string,
  rawArguments: string,
  ctx: ExecuteContext,
  options: ExecuteOptions,
): Promise<ToolOutcome> {
  const started = performance.now();
  const language = ctx.language;
  const done = (status: ToolOutcome['status'], result: unknown, error: string | null): ToolOutcome => ({
    status,
    result,
    error,
    executionTime: (performance.now() - started) / 1000,
  });
  const fail = (reason: string): ToolOutcome => done('failed', null, reason);

  if (ctx.signal.aborted) return done('cancelled', null, text('tool_cancelled', language, { tool: name }));
  if (!tool) return fail(text('tool_unknown', language, { tool: name }));

  let args: unknown;
  try {
    args = rawArguments.trim() === '' ? {} : JSON.parse(rawArguments);
  } catch (error) {
    const reason = `not valid JSON (${errorText(error)})`;
    return fail(text('tool_bad_arguments', language, { tool: name, reason }));
  }
  const parsed = tool.inputSchema.safeParse(args);
  if (!parsed.success) {
    return fail(
      text('tool_bad_arguments', language, { tool: name, reason: describeIssues(parsed.error.issues) }),
    );
  }

  const timeoutMs = tool.timeoutMs ?? options.timeoutMs;
  const controller = new AbortController();
  let ending: 'cancelled' | 'timeout' | undefined;
  let settled = false;
  let wake: () => void = () => {};
  const aborted = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const stop = (why: 'cancelled' | 'timeout', reason: unknown): void => {
    if (settled || ending) return;
    ending = why;
    controller.abort(reason);
    wake();
  };
  const onCancel = (): void => stop('cancelled', ctx.signal.reason);
  ctx.signal.addEventListener('abort', onCancel, { once: true });
  const timer = setTimeout(
    () => stop('timeout', new DOMException(`${name} timed out`, 'TimeoutError')),
    timeoutMs,
  );

  const toolCtx: ToolContext = {
    signal: controller.signal,
    language,
    runId: ctx.runId,
    callId: ctx.callId,
    progress(message, fraction) {
      if (settled || ending) return;
      if (fraction === undefined || !Number.isFinite(fraction)) ctx.progress(message);
      else ctx.progress(message, Math.min(1, Math.max(0, fraction)));
    },
  };
  const { emitDocument } = ctx;
  if (emitDocument) {
    // Like progress: nothing the tool emits after its outcome is settled reaches the stream.
    toolCtx.emitDocument = (document) => {
      if (!settled && !ending) emitDocument(document);
    };
  }
  const { emitEvent } = ctx;
  if (emitEvent) {
    toolCtx.emitEvent = (type, data) => {
      if (!settled && !ending) emitEvent(type, data);
    };
  }

  let value: unknown;
  let thrown: { error: unknown } | undefined;
  try {
    // `new Promise` turns a synchronous throw from a non-async execute into a rejection.
    const running = new Promise<unknown>((resolve) => resolve(tool.execute(parsed.data, toolCtx)));
    running.catch(() => {}); // a tool that fails after the outcome must not be an unhandled rejection
    value = await Promise.race([running, aborted]);
  } catch (error) {
    thrown = { error };
  } finally {
    settled = true;
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onCancel);
  }

  if (ending === 'cancelled')
    return done('cancelled', null, text('tool_cancelled', language, { tool: name }));
  if (ending === 'timeout') {
    return fail(
      text('tool_timeout', language, { tool: name, seconds: Number((timeoutMs / 1000).toFixed(3)) }),
    );
  }
  if (thrown) return fail(text('tool_failed', language, { tool: name, reason: errorText(thrown.error) }));

  let json: string | undefined;
  try {
    json = JSON.stringify(value ?? null);
  } catch (error) {
    return fail(
      text('tool_failed', language, {
        tool: name,
        reason: `result is not JSON-serialisable (${errorText(error)})`,
      }),
    );
  }
  if (json === undefined) {
    return fail(text('tool_failed', language, { tool: name, reason: 'result is not JSON-serialisable' }));
  }
  return done('completed', JSON.parse(json), null);
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  const more = issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? ` (+${more} more)` : '');
}
