import type { Language } from '../protocol/index.ts';

/** Which provider serves an agent and with what settings. `provider` undefined = the server default. */
export interface ModelSettings {
  provider?: 'demo' | 'openai';
  /** Model name at the provider; undefined = the provider's default (`SLUICE_MODEL` or `demo`). */
  name?: string;
  temperature?: number;
  maxTokens?: number;
}

export interface AgentDefinition {
  id: string;
  name: string;
  description: string;
  /** One system prompt per language: the agent answers in the run's language. */
  systemPrompt: Record<Language, string>;
  greeting?: Record<Language, string>;
  model: ModelSettings;
  /** Names of the tools this agent may call. */
  tools: string[];
  /** Upper bound on LLM steps per run; the last step is offered no tools so it must answer. */
  maxSteps?: number;
}
