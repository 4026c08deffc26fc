import type { LlmChunk, LlmProvider, LlmRequest } from '../../src/llm/index.ts';
import { SluiceError } from '../../src/protocol/index.ts';

/** One step's script: the chunks to yield, or an error to throw after them. */
export interface ScriptedStep {
  chunks: LlmChunk[];
  throwAfter?: Error;
  /** Wait this long before each chunk, watching the signal. */
  delayMs?: number;
}

/**
 * A model that plays back scripted steps, one per call, and records every request it got, so the
 * agent loop can be tested step by step without a network (STYLE.md, habit 9).
 */
export class ScriptedProvider implements LlmProvider {
  readonly kind = 'scripted';
  readonly requests: LlmRequest[] = [];
  /** The signal of each call, to check that cancellation reached the model. */
  readonly signals: AbortSignal[] = [];

  constructor(private readonly steps: ScriptedStep[]) {}

  async *stream(request: LlmRequest): AsyncIterable<LlmChunk> {
    this.requests.push(request);
    this.signals.push(request.signal);
    const step = this.steps.shift();
    if (!step) throw new Error('ScriptedProvider: no step left');
    for (const chunk of step.chunks) {
      if (step.delayMs) await abortableDelay(step.delayMs, request.signal);
      if (request.signal.aborted) throw new SluiceError('run_cancelled');
      yield chunk;
    }
    if (step.throwAfter) throw step.throwAfter;
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new SluiceError('run_cancelled'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new SluiceError('run_cancelled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function textStep(...parts: string[]): ScriptedStep {
  return {
    chunks: [
      ...parts.map((text) => ({ type: 'text-delta' as const, text })),
      { type: 'finish', reason: 'stop' },
    ],
  };
}

export function toolStep(calls: { id: string; name: string; arguments: string }[], text = ''): ScriptedStep {
  return {
    chunks: [
      ...(text ? [{ type: 'text-delta' as const, text }] : []),
      ...calls.map((call) => ({ type: 'tool-call' as const, call })),
      { type: 'finish', reason: 'tool_calls' },
    ],
  };
}
