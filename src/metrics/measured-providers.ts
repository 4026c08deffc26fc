import type { AgentDefinition } from '../agent/index.ts';
import type { LlmChunk, LlmProvider, LlmRequest } from '../llm/index.ts';
import { ProviderSet, type ProviderSettings, type ResolvedModel } from '../runs/index.ts';

export type FirstChunkObserver = (provider: string, model: string, seconds: number) => void;

/** The provider with the time to its first chunk of each request reported; the stream is unchanged. */
export function measureFirstChunk(provider: LlmProvider, observe: FirstChunkObserver): LlmProvider {
  return {
    kind: provider.kind,
    async *stream(request: LlmRequest): AsyncIterable<LlmChunk> {
      const started = performance.now();
      let first = true;
      for await (const chunk of provider.stream(request)) {
        if (first) {
          first = false;
          observe(provider.kind, request.model, (performance.now() - started) / 1000);
        }
        yield chunk;
      }
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
