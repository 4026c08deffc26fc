import { SluiceError } from '../protocol/index.ts';
import type { AgentDefinition } from './definition.ts';
import { PRESET_AGENTS } from './presets.ts';

/** The agents a server offers: the presets, then those from the config file (same id replaces). */
export class AgentCatalog {
  private readonly agents = new Map<string, AgentDefinition>();

  constructor(extra: readonly AgentDefinition[] = []) {
    for (const agent of [...PRESET_AGENTS, ...extra]) this.agents.set(agent.id, agent);
  }

  get(id: string): AgentDefinition | undefined {
    return this.agents.get(id);
  }

  /** Throws `agent_not_found` for an unknown id. */
  require(id: string): AgentDefinition {
    const agent = this.agents.get(id);
    if (!agent) throw new SluiceError('agent_not_found', { id });
    return agent;
  }

  list(): AgentDefinition[] {
    return [...this.agents.values()];
  }
}
