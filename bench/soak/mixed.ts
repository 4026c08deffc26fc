/**
 * Phase 2: a steady mix of realistic traffic for a fixed time. `concurrency` clients each pick
 * a scenario by weight, run it to its end and pick the next, until the time is up; scenarios in
 * flight then finish (each request is bounded by the client's timeout).
 */
import { ChainSet } from './chain-set.ts';
import type { SoakContext } from './context.ts';
import {
  agentChat,
  aiSdk,
  extract,
  gtplanner,
  openaiJson,
  openaiStream,
  streamingAgent,
  streamingAgentJson,
} from './dialect-scenarios.ts';
import {
  multitask,
  nativeCancel,
  nativeJoin,
  nativeResume,
  nativeStream,
  plainRequests,
} from './native-scenarios.ts';
import { runPool } from './pool.ts';

type Scenario = (ctx: SoakContext, chains: ChainSet) => Promise<void>;

/** Each scenario with its weight in the mix. */
export const SCENARIOS: Record<string, { weight: number; run: Scenario }> = {
  native: { weight: 12, run: nativeStream },
  'native resume': { weight: 10, run: nativeResume },
  'native join': { weight: 5, run: nativeJoin },
  cancel: { weight: 6, run: nativeCancel },
  multitask: { weight: 6, run: multitask },
  gtplanner: { weight: 5, run: gtplanner },
  'streaming agent': { weight: 5, run: streamingAgent },
  'streaming agent json': { weight: 3, run: streamingAgentJson },
  'agent chat': { weight: 6, run: agentChat },
  'openai stream': { weight: 6, run: openaiStream },
  'openai json': { weight: 4, run: openaiJson },
  'ai sdk': { weight: 6, run: aiSdk },
  extract: { weight: 4, run: extract },
  plain: { weight: 12, run: plainRequests },
};

const WEIGHTS = Object.fromEntries(Object.entries(SCENARIOS).map(([name, s]) => [name, s.weight]));

export interface MixedCounts {
  scenarios: number;
  byScenario: Record<string, number>;
  seconds: number;
}

export async function runMixed(
  ctx: SoakContext,
  settings: { durationMs: number; concurrency: number; maxScenarios: number },
): Promise<MixedCounts> {
  const counts: MixedCounts = { scenarios: 0, byScenario: {}, seconds: 0 };
  const began = performance.now();
  counts.scenarios = await runPool(
    {
      concurrency: settings.concurrency,
      maxTasks: settings.maxScenarios,
      deadline: began + settings.durationMs,
    },
    async () => {
      const name = ctx.random.weighted(WEIGHTS);
      counts.byScenario[name] = (counts.byScenario[name] ?? 0) + 1;
      const chains = new ChainSet();
      try {
        await SCENARIOS[name]!.run(ctx, chains);
      } catch (error) {
        ctx.tally.failure(name, error);
      } finally {
        chains.tallyInto(ctx.tally, name);
      }
    },
  );
  counts.seconds = Math.round((performance.now() - began) / 100) / 10;
  return counts;
}
