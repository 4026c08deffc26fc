/**
 * Phase 2's native scenarios. Each is one client doing one realistic thing; every event it
 * reads goes through a chain of the ChainSet it is given, and whatever goes wrong is thrown as
 * a SoakFailure (or counted on the tally when the scenario can go on).
 */
import type { ChainSet } from './chain-set.ts';
import type { SoakContext } from './context.ts';
import { requestJson } from './http.ts';
import {
  ALL,
  createSession,
  expectStatus,
  followRun,
  getRun,
  NATIVE_MESSAGES,
  postRun,
  resumeToEnd,
} from './native.ts';
import type { SeqChain } from './seq-chain.ts';
import { SoakFailure } from './tally.ts';

const LONG_MESSAGE = 'write a long detailed text about rivers';

async function newRun(
  ctx: SoakContext,
  scenario: string,
  chain: SeqChain,
  limit: number,
  message: string = ctx.random.pick(NATIVE_MESSAGES),
): Promise<string> {
  const sessionId = await createSession(ctx);
  const at = performance.now();
  const { runId } = await postRun(ctx, scenario, sessionId, { message }, chain, limit);
  ctx.recent.addRun({ runId, sessionId, at });
  return runId;
}

function endStatus(chain: SeqChain, last: { status?: string } | undefined): string {
  return chain.ended ? (last?.status ?? 'unknown') : 'no end';
}

/** A new session and a run streamed to its end. */
export async function nativeStream(ctx: SoakContext, chains: ChainSet): Promise<void> {
  const chain = chains.add();
  await newRun(ctx, 'native', chain, ALL);
}

/** A stream dropped after a few events, then resumed with Last-Event-ID until conversation_end. */
export async function nativeResume(ctx: SoakContext, chains: ChainSet): Promise<void> {
  const chain = chains.add();
  const runId = await newRun(ctx, 'native resume', chain, ctx.random.int(1, 60), LONG_MESSAGE);
  if (!chain.ended) chains.missing(chain, await resumeToEnd(ctx, 'native resume', runId, chain));
}

/** A run started without a stream (202), joined from its first event by another request. */
export async function nativeJoin(ctx: SoakContext, chains: ChainSet): Promise<void> {
  const sessionId = await createSession(ctx);
  ctx.tally.request('POST /api/sessions/{id}/runs (202)');
  const at = performance.now();
  const started = await requestJson(ctx.client, 'POST', `/api/sessions/${sessionId}/runs`, {
    body: { message: ctx.random.pick(NATIVE_MESSAGES) },
  });
  expectStatus('POST /api/sessions/{id}/runs (202)', started.status, 202, started.text);
  const runId = (started.json as { id: string }).id;
  ctx.recent.addRun({ runId, sessionId, at });
  const chain = chains.add();
  await followRun(ctx, 'native join', runId, chain, ALL);
}

/** A stream read for a while, the run cancelled by id, the stream read to conversation_end. */
export async function nativeCancel(ctx: SoakContext, chains: ChainSet): Promise<void> {
  const chain = chains.add();
  const runId = await newRun(ctx, 'cancel', chain, ctx.random.int(1, 40), LONG_MESSAGE);
  ctx.tally.request('POST /api/runs/{id}/cancel');
  const cancel = await requestJson(ctx.client, 'POST', `/api/runs/${runId}/cancel`);
  expectStatus('POST /api/runs/{id}/cancel', cancel.status, 202, cancel.text);
  if (!chain.ended) await followRun(ctx, 'cancel', runId, chain, ALL);
  const run = await getRun(ctx, runId);
  // The run may have completed before the cancel arrived; anything else is wrong.
  if (run.status !== 'cancelled' && run.status !== 'completed') {
    throw new SoakFailure(`cancelled run ended ${run.status}`, runId);
  }
  ctx.tally.outcome(`cancel: run ${endStatus(chain, run)}`);
}

/** A promise's outcome, with its handler attached at once (no unhandled rejection meanwhile). */
function outcome<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

/**
 * Two runs on one session: the first streams while a second message arrives with `enqueue`
 * (waits its turn), `interrupt` (cancels the first) or the default `reject` (409 session_busy).
 */
export async function multitask(ctx: SoakContext, chains: ChainSet): Promise<void> {
  const mode = ctx.random.pick(['enqueue', 'interrupt', 'reject'] as const);
  const scenario = `multitask ${mode}`;
  const sessionId = await createSession(ctx);
  const first = chains.add();
  const firstDone = outcome(postRun(ctx, scenario, sessionId, { message: LONG_MESSAGE }, first, ALL));
  // Let the first run begin before the second message arrives.
  for (let i = 0; i < 100 && first.lastSeq < 3; i++) await new Promise((r) => setTimeout(r, 10));
  const message = ctx.random.pick(NATIVE_MESSAGES);
  const secondDone =
    mode === 'reject'
      ? outcome(rejectedSecond(ctx, sessionId, message))
      : outcome(postRun(ctx, scenario, sessionId, { message, multitask: mode }, chains.add(), ALL));
  const [firstRun, second] = await Promise.all([firstDone, secondDone]);
  if (firstRun.error !== undefined) throw firstRun.error;
  if (second.error !== undefined) throw second.error;
  const run = await getRun(ctx, firstRun.value!.runId);
  const allowed = mode === 'interrupt' ? ['interrupted', 'cancelled', 'completed'] : ['completed'];
  if (!allowed.includes(run.status)) throw new SoakFailure(`first run ended ${run.status}`, mode);
  ctx.tally.outcome(`multitask ${mode}: first run ${run.status}`);
}

/** A second message without `multitask` while the first run goes on: 409 session_busy. */
async function rejectedSecond(ctx: SoakContext, sessionId: string, message: string): Promise<void> {
  ctx.tally.request('POST /api/sessions/{id}/runs (busy)');
  const busy = await requestJson(ctx.client, 'POST', `/api/sessions/${sessionId}/runs`, {
    body: { message },
  });
  // On a busy machine the first run may already have ended: then the second simply starts (202).
  if (busy.status !== 202) expectStatus('second run while busy', busy.status, 409, busy.text);
}

/** Plain reads: the session list, one session with its messages, one run, health and stats. */
export async function plainRequests(ctx: SoakContext): Promise<void> {
  const recent = ctx.recent.pickRun(ctx.random);
  const choices: Array<[string, string]> = [
    ['GET /api/sessions', '/api/sessions?limit=20'],
    ['GET /health', '/health'],
    ['GET /stats', '/stats'],
    ['GET /api/status', '/api/status'],
  ];
  if (recent) {
    choices.push(['GET /api/sessions/{id}', `/api/sessions/${recent.sessionId}`]);
    choices.push(['GET /api/runs/{id}', `/api/runs/${recent.runId}`]);
  }
  const [kind, path] = ctx.random.pick(choices);
  ctx.tally.request(kind);
  const answer = await requestJson(ctx.client, 'GET', path);
  expectStatus(kind, answer.status, 200, answer.text);
  if (kind === 'GET /api/sessions/{id}' && !Array.isArray((answer.json as { messages?: unknown }).messages)) {
    throw new SoakFailure('session without messages', answer.text.slice(0, 200));
  }
}
