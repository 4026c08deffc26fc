import { type CanonicalEvent, canonicalEventSchema } from '../../src/protocol/index.ts';
import { createSseDecoder } from '../../src/sse/index.ts';

export interface FollowedRun {
  runId: string;
  /** Every event received, over every connection, in arrival order. */
  events: CanonicalEvent[];
  /** The base URL of each connection made, in order. */
  connections: string[];
  /** How each connection that ended early was ended: the connection error's code and `retry:`. */
  cutoffs: Array<{ code: string | undefined; retry: number | undefined }>;
}

interface FollowOptions {
  /** Known when joining; otherwise taken from the first event (a POST that starts the run). */
  runId?: string;
  /** Opens the first connection: POST starting a run, or GET joining one. */
  first: { url: string; base: string; init?: RequestInit };
  /** Where to resume after a connection ends before conversation_end (the load balancer's choice). */
  resumeBase: string;
  /** Gives up (throws) after this many connections. */
  maxConnections?: number;
  /** Called once the first connection's response has started (the server is streaming to us). */
  onStreaming?: () => void;
}

/**
 * A client that behaves like EventSource behind a load balancer: reads a run's stream; when it
 * ends before conversation_end, waits the last `retry:` it was given (capped at 1 s) and reconnects to
 * `resumeBase` with Last-Event-ID set to the last seq it received, until conversation_end arrives.
 */
export async function followRun(options: FollowOptions): Promise<FollowedRun> {
  const followed: FollowedRun = { runId: options.runId ?? '', events: [], connections: [], cutoffs: [] };
  let target = options.first;
  for (let attempt = 1; ; attempt++) {
    followed.connections.push(target.base);
    const onStart = attempt === 1 ? options.onStreaming : undefined;
    const { ended, code, retry } = await readOnce(target.url, target.init ?? {}, followed, onStart);
    if (ended) return followed;
    followed.cutoffs.push({ code, retry });
    if (attempt >= (options.maxConnections ?? 5) || followed.runId === '') {
      throw new Error(`run ${followed.runId}: no conversation_end after ${attempt} connections`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(retry ?? 1000, 1000)));
    const last = followed.events.at(-1)?.seq ?? 0;
    target = {
      base: options.resumeBase,
      url: `${options.resumeBase}/api/runs/${followed.runId}/events`,
      init: { headers: { accept: 'text/event-stream', 'last-event-id': String(last) } },
    };
  }
}

async function readOnce(
  url: string,
  init: RequestInit,
  followed: FollowedRun,
  onStart: (() => void) | undefined,
): Promise<{ ended: boolean; code: string | undefined; retry: number | undefined }> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  } catch {
    // Refused or reset: the instance is gone; resume elsewhere.
    return { ended: false, code: undefined, retry: undefined };
  }
  if (response.status !== 200 || !response.body) {
    throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  }
  onStart?.();
  let ended = false;
  let code: string | undefined;
  let retry: number | undefined;
  const decoder = createSseDecoder((message) => {
    if (message.retry !== undefined) retry = message.retry;
    if (!message.data) return;
    const data = JSON.parse(message.data) as { seq?: number; data?: { code?: string } };
    // A connection error (slow_consumer, shutting_down) has no seq: it is not part of the log.
    if (data.seq === undefined) {
      code = data.data?.code;
      return;
    }
    const event = canonicalEventSchema.parse(data);
    followed.runId ||= event.run_id;
    followed.events.push(event);
    if (event.event_type === 'conversation_end') ended = true;
  });
  try {
    for await (const chunk of response.body) decoder.push(chunk);
    decoder.flush();
  } catch {
    // A connection cut mid-stream: what arrived whole counts, the rest comes on resume.
  }
  return { ended, code, retry };
}
