import type { AgentDefinition } from '../agent/index.ts';
import { DemoProvider, type LlmProvider, OpenAiProvider } from '../llm/index.ts';

export interface ProviderSettings {
  openai?: {
    apiKey: string;
    baseURL?: string;
    model: string;
    maxRetries: number;
    timeoutMs: number;
    idleTimeoutMs: number;
  };
  demoPace: number;
}

export interface ResolvedModel {
  provider: LlmProvider;
  model: string;
}

/**
 * Picks the provider and model for an agent: the agent's own choice, else OpenAI-compatible when
 * a key is configured, else the offline demo model.
 */
export class ProviderSet {
  private readonly demo: DemoProvider;
  private readonly openai: OpenAiProvider | undefined;
  private readonly openaiModel: string | undefined;

  constructor(settings: ProviderSettings) {
    this.demo = new DemoProvider({ tokensPerSecond: settings.demoPace });
    if (settings.openai) {
      const { model, ...options } = settings.openai;
      this.openai = new OpenAiProvider(options);
      this.openaiModel = model;
    }
  }

  get defaultKind(): 'openai' | 'demo' {
    return this.openai ? 'openai' : 'demo';
  }

  resolve(agent: AgentDefinition): ResolvedModel {
    const kind = agent.model.provider ?? this.defaultKind;
    if (kind === 'openai') {
      if (!this.openai || !this.openaiModel) {
        throw new Error(`agent "${agent.id}" asks for the openai provider but OPENAI_API_KEY is not set`);
      }
      return { provider: this.openai, model: agent.model.name ?? this.openaiModel };
    }
    return { provider: this.demo, model: agent.model.name ?? 'demo' };
  }
}
