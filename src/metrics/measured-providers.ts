import type { AgentDefinition } from '../agent/index.ts';
import type { LlmChunk, LlmProvider, LlmRequest } from '../llm/index.ts';
import { ProviderSet, type ProviderSettings, type ResolvedModel } from '../runs/index.ts';

export type FirstChunkObserver = (provider: string, model: string, seconds: number) => void;

/** The provider with the time to its first chunk of each request reported; the stream is unchanged. */
export function measureFirstChunk(provider: LlmProvider, observe: FirstChunkObserver): LlmProvider {
  return {
    kind: provider.kind,
    stream(request: LlmRequest): AsyncIterable<LlmChunk> {
      // The provider's own iterator, with only its first `next` observed: wrapping it in an async
      // generator would add a generator step and its promises to every token.
      const inner = provider.stream(request)[Symbol.asyncIterator]();
      const started = performance.now();
      let first = true;
      const iterator: AsyncIterableIterator<LlmChunk> = {
        [Symbol.asyncIterator]: () => iterator,
        next: () => {
          if (!first) return inner.next();
          first = false;
          return inner.next().then((result) => {
            if (!result.done) observe(provider.kind, request.model, (performance.now() - started) / 1000);
            return result;
          });
        },
        return: (value?: unknown) =>
          inner.return ? inner.return(value) : Promise.resolve({ done: true as const, value: undefined }),
        throw: (error?: unknown) => (inner.throw ? inner.throw(error) : Promise.reject(error)),
      };
      return iterator;
    },
  };
}

/** A ProviderSet whose providers report upstream latency (time to first chunk). */
export class MeasuredProviderSet extends ProviderSet {
  private readonly measured = new Map<LlmProvider, LlmProvider>();

  constructor(
    settings: ProviderSettings,
    private readonly observe: FirstChunkObserver,
  ) {
    super(settings);
  }

  override resolve(agent: AgentDefinition): ResolvedModel {
    const resolved = super.resolve(agent);
    let provider = this.measured.get(resolved.provider);
    if (!provider) {
      provider = measureFirstChunk(resolved.provider, this.observe);
      this.measured.set(resolved.provider, provider);
    }
    return { provider, model: resolved.model };
  }
}
