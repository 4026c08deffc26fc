import type { AgentDefinition } from '../agent/index.ts';
import { LANGUAGES, type Language } from '../protocol/index.ts';
import type { AgentConfig } from './schema.ts';

function perLanguage(value: string | Record<Language, string>): Record<Language, string> {
  if (typeof value !== 'string') return value;
  return Object.fromEntries(LANGUAGES.map((language) => [language, value])) as Record<Language, string>;
}

/** Turns a config-file agent into an AgentDefinition; a single prompt string serves all languages. */
export function agentFromConfig(config: AgentConfig): AgentDefinition {
  return {
    id: config.id,
    name: config.name,
    description: config.description,
    systemPrompt: perLanguage(config.system_prompt),
    ...(config.greeting ? { greeting: perLanguage(config.greeting) } : {}),
    model: {
      ...(config.model.provider ? { provider: config.model.provider } : {}),
      ...(config.model.name ? { name: config.model.name } : {}),
      ...(config.model.temperature === undefined ? {} : { temperature: config.model.temperature }),
      ...(config.model.max_tokens === undefined ? {} : { maxTokens: config.model.max_tokens }),
    },
    tools: config.tools,
    ...(config.max_steps === undefined ? {} : { maxSteps: config.max_steps }),
  };
}
