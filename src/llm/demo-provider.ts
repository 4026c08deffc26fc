import { SluiceError, type ToolCall } from '../protocol/index.ts';
import { arithmeticRule, directArithmeticRule } from './demo-arithmetic.ts';
import { countToolCalls, lastUserText, pendingToolResults } from './demo-conversation.ts';
import { extractionRule } from './demo-extraction.ts';
import { fallbackRule } from './demo-fallback.ts';
import { longTextRule } from './demo-long-text.ts';
import { planningRule } from './demo-planning.ts';
import { continueTurn, type DemoPlan, type DemoRule, describeResults, planTurn } from './demo-rules.ts';
import { timeRule } from './demo-time.ts';
import { eachToken } from './demo-tokens.ts';
import type { LlmChunk, LlmProvider, LlmRequest } from './provider.ts';

/**
 * The built-in intents, in priority order: an explicit request for a long text wins; then the
 * tool rules (their calls combine); then direct arithmetic when no calculator is offered; then the
 * fallback, which always answers.
 */
export const DEFAULT_DEMO_RULES: readonly DemoRule[] = [
  // Only where extract_items is offered (the extractor agent), so it cannot shadow the others.
  extractionRule,
  // Only where short_planning and design are offered (the planner agent); before long texts, so
  // "a detailed design" is a design.
  planningRule,
  longTextRule,
  arithmeticRule,
  timeRule,
  directArithmeticRule,
  fallbackRule,
];

export interface DemoProviderOptions {
  /** Stream pace; default 40. 0 means no delay at all (benchmarks). */
  tokensPerSecond?: number;
  /** Replaces the built-in intents (keep a rule that always answers last). */
  rules?: readonly DemoRule[];
}

/** Under pace 0, hand the event loop back this often so other runs progress. */
const YIELD_EVERY_TOKENS = 64;

/** What one step answers: some text, then zero or more tool calls. */
export interface DemoReply {
  text: string;
  calls: ToolCall[];
}

/**
 * The offline `demo` model: deterministic (the same request streams the same chunks), answers in
 * the request's language, calls only the tools the request offers, and streams at a real pace.
 * It reports no `usage`: the agent counts tokens locally, as for any provider that gives none.
 */
export class DemoProvider implements LlmProvider {
  readonly kind = 'demo';
  private readonly tokensPerSecond: number;
  private readonly rules: readonly DemoRule[];

  constructor(options: DemoProviderOptions = {}) {
    const pace = options.tokensPerSecond ?? 40;
    if (!Number.isFinite(pace) || pace < 0) {
      throw new RangeError(`tokensPerSecond must be a finite number >= 0, got ${pace}`);
    }
    this.tokensPerSecond = pace;
    this.rules = options.rules ?? DEFAULT_DEMO_RULES;
  }

  /** The whole answer to a request, without streaming. */
  reply(request: Omit<LlmRequest, 'signal'>): DemoReply {
    const offered = new Set(request.tools.map((tool) => tool.name));
    const turn = {
      text: lastUserText(request.messages),
      language: request.language,
      tools: offered,
      messages: request.messages,
    };
    const results = pendingToolResults(request.messages);
    if (results.length > 0) {
      const next = continueTurn(this.rules, turn, results);
      if (next) return this.callsReply(next, request.messages);
      return { text: describeResults(this.rules, results, request.language), calls: [] };
    }
    const plan = planTurn(this.rules, turn);
    if (!plan) return { text: '', calls: [] };
    if (plan.kind === 'reply') return { text: plan.text, calls: [] };
    return this.callsReply(plan, request.messages);
  }

  private callsReply(
    plan: Extract<DemoPlan, { kind: 'calls' }>,
    messages: LlmRequest['messages'],
  ): DemoReply {
    const firstId = countToolCalls(messages) + 1;
    const calls = plan.calls.map((call, index) => ({
      id: `call_demo_${firstId + index}`,
      name: call.name,
      arguments: JSON.stringify(call.arguments),
    }));
    return { text: plan.intro, calls };
  }

  async *stream(request: LlmRequest): AsyncGenerator<LlmChunk> {
    const { signal } = request;
    throwIfAborted(signal);
    const { text, calls } = this.reply(request);
    let emitted = 0;
    for (const token of eachToken(text)) {
      const wait = this.pace(emitted++, signal);
      if (wait) await wait;
      yield { type: 'text-delta', text: token };
    }
    for (const [index, call] of calls.entries()) {
      const wait = this.pace(emitted++, signal);
      if (wait) await wait;
      yield { type: 'tool-call-delta', index, id: call.id, name: call.name, argumentsDelta: call.arguments };
      yield { type: 'tool-call', call };
    }
    throwIfAborted(signal);
    yield { type: 'finish', reason: calls.length > 0 ? 'tool_calls' : 'stop' };
  }

  /**
   * What to wait for before token `n` (nothing before the first); throws run_cancelled once
   * `signal` aborts. Synchronous when there is nothing to wait for, so a token at pace 0 costs no
   * promise.
   */
  private pace(n: number, signal: AbortSignal): Promise<void> | undefined {
    throwIfAborted(signal);
    if (n === 0) return undefined;
    if (this.tokensPerSecond > 0) return delay(1000 / this.tokensPerSecond, signal);
    if (n % YIELD_EVERY_TOKENS !== 0) return undefined;
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => throwIfAborted(signal));
  }
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new SluiceError('run_cancelled');
}

/** A timer that is cleared, and rejects with run_cancelled, the moment `signal` aborts. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new SluiceError('run_cancelled'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
