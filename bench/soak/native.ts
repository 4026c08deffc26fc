/**
 * The native protocol from a client's side: start a run's stream, join or resume one, read a
 * chosen number of events and drop the connection, or follow it to conversation_end. Every
 * event goes through a SeqChain, which is how the soak knows no event was lost.
 */
import type { SseMessage } from '../../src/sse/index.ts';
import type { SoakContext } from './context.ts';
import { readStream, requestJson, type StreamAnswer, type StreamDecision } from './http.ts';
import type { SeqChain } from './seq-chain.ts';
import { SoakFailure } from './tally.ts';

/** Resumes one client tries before it gives up on reaching conversation_end. */
const MAX_RESUMES = 5;

/** Read to the end, never dropped. */
export const ALL = Number.POSITIVE_INFINITY;

/** What the soak asks the demo model: plain text of several lengths, and tool calls. */
export const NATIVE_MESSAGES = [
  'write a long detailed text about rivers',
  'write a long detailed text about rivers',
  'tell me about rivers',
  'what is 12*7',
  'what time is it in Tokyo',
  'hello',
] as const;

export function expectStatus(what: string, status: number, expected: number, text: string): void {
  if (status !== expected) throw new SoakFailure(`${what} answered ${status}`, text.slice(0, 300));
}

export async function createSession(ctx: SoakContext): Promise<string> {
  ctx.tally.request('POST /api/sessions');
  const answer = await requestJson(ctx.client, 'POST', '/api/sessions', { body: {} });
  expectStatus('POST /api/sessions', answer.status, 201, answer.text);
  return (answer.json as { id: string }).id;
}

export interface RunSummary {
  status: string;
  last_seq: number;
  session_id: string;
}

export async function getRun(ctx: SoakContext, runId: string): Promise<RunSummary> {
  ctx.tally.request('GET /api/runs/{id}');
  const answer = await requestJson(ctx.client, 'GET', `/api/runs/${runId}`);
  expectStatus('GET /api/runs/{id}', answer.status, 200, answer.text);
  return answer.json as RunSummary;
}

/**
 * A reader that checks each frame (an `id:` equal to the data's `seq`, `event:` equal to its
 * `event_type`) and feeds its seq to the chain; it drops the connection after `limit` events.
 */
function nativeReader(
  ctx: SoakContext,
  scenario: string,
  chain: SeqChain,
  limit: number,
): (message: SseMessage) => StreamDecision {
  let read = 0;
  return (message) => {
    if (message.id === undefined) {
      ctx.tally.error(`${scenario}: frame without id`, `${message.event}: ${message.data.slice(0, 200)}`);
      return 'continue';
    }
    const seq = Number(message.id);
    let data: { seq?: unknown; event_type?: unknown } | undefined;
    try {
      data = JSON.parse(message.data) as typeof data;
    } catch {
      data = undefined;
    }
    if (data?.seq !== seq || data.event_type !== message.event) {
      ctx.tally.error(`${scenario}: frame id, event and data disagree`, message.data.slice(0, 200));
    }
    chain.accept(seq, message.event);
    read++;
    return read >= limit ? 'drop' : 'continue';
  };
}

/** A stream the server ended must have ended on conversation_end. */
function checkEnd(ctx: SoakContext, scenario: string, answer: StreamAnswer, chain: SeqChain): void {
  if (answer.ended && !chain.ended) {
    ctx.tally.error(`${scenario}: stream ended before conversation_end`, `last seq ${chain.lastSeq}`);
  }
}

/**
 * `POST /api/sessions/{id}/runs` as a stream, read for `limit` events (0: dropped at the headers).
 * Resolves with the run id from `x-sluice-run-id`.
 */
export async function postRun(
  ctx: SoakContext,
  scenario: string,
  sessionId: string,
  body: Record<string, unknown>,
  chain: SeqChain,
  limit: number,
): Promise<{ runId: string; answer: StreamAnswer }> {
  ctx.tally.request('POST /api/sessions/{id}/runs (stream)');
  const answer = await readStream(ctx.client, 'POST', `/api/sessions/${sessionId}/runs`, {
    body,
    dropAtHeaders: limit === 0,
    onMessage: nativeReader(ctx, scenario, chain, limit),
  });
  expectStatus('POST /api/sessions/{id}/runs', answer.status, 200, answer.text);
  const runId = answer.headers['x-sluice-run-id'];
  if (typeof runId !== 'string') throw new SoakFailure('stream without x-sluice-run-id', '');
  checkEnd(ctx, scenario, answer, chain);
  return { runId, answer };
}

/**
 * `GET /api/runs/{id}/events`: a join (from the start) when the chain is empty, else a resume
 * with `Last-Event-ID` = the chain's last seq. Read for `limit` events.
 */
export async function followRun(
  ctx: SoakContext,
  scenario: string,
  runId: string,
  chain: SeqChain,
  limit: number,
): Promise<StreamAnswer> {
  const resume = chain.lastSeq > 0;
  ctx.tally.request(`GET /api/runs/{id}/events (${resume ? 'resume' : 'join'})`);
  const answer = await readStream(ctx.client, 'GET', `/api/runs/${runId}/events`, {
    headers: resume ? { 'last-event-id': String(chain.lastSeq) } : {},
    dropAtHeaders: limit === 0,
    onMessage: nativeReader(ctx, scenario, chain, limit),
  });
  expectStatus('GET /api/runs/{id}/events', answer.status, 200, answer.text);
  checkEnd(ctx, scenario, answer, chain);
  return answer;
}

/**
 * Resumes until conversation_end, then checks the chain against the stored run: its last_seq is
 * conversation_end's seq. Returns the events the chain is missing when it never got there.
 */
export async function resumeToEnd(
  ctx: SoakContext,
  scenario: string,
  runId: string,
  chain: SeqChain,
): Promise<number> {
  for (let attempt = 0; attempt < MAX_RESUMES && !chain.ended; attempt++) {
    await followRun(ctx, scenario, runId, chain, ALL);
  }
  const run = await getRun(ctx, runId);
  if (!chain.ended) {
    if (run.status === 'queued' || run.status === 'running') {
      throw new SoakFailure(
        'run still going after every resume',
        `${MAX_RESUMES} resumes, run ${run.status}`,
      );
    }
    return Math.max(0, run.last_seq - chain.lastSeq);
  }
  if (run.last_seq !== chain.lastSeq) {
    ctx.tally.error(
      `${scenario}: stored last_seq differs from conversation_end's seq`,
      `stored ${run.last_seq}, conversation_end ${chain.lastSeq}`,
    );
  }
  return 0;
}
