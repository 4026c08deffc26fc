/**
 * The holding load child of the capacity scenario, in a process of its own (the server under test
 * and this process each hold one end of every socket, and each process may open 20,000 files).
 * `open` opens streams at a bounded rate with a bounded number opening at once, and answers once
 * every one is open or has failed; the streams then stay open, counted but not decoded, until
 * `close` destroys them all. `status` reports what they received since the previous `status`.
 */
import { Agent, type ClientRequest, type IncomingMessage, request } from 'node:http';
import { HEARTBEAT_FRAME } from '../../src/sse/encode.ts';
import { FrameCounter } from '../frame-counter.ts';
import { Histogram } from '../histogram.ts';
import type { HoldCommand, HoldReply, HoldStatus, OpenJob, OpenResult } from './hold-ipc.ts';

const MAX_SAMPLES = 5;
/** How long `close` waits for the sockets to report closed. */
const CLOSE_WAIT_MS = 10_000;
const HEARTBEAT = Buffer.from(HEARTBEAT_FRAME);

interface Held {
  req: ClientRequest;
  counter: FrameCounter;
  sawEvent: boolean;
  sawHeartbeat: boolean;
}

const held = new Set<Held>();
const totals = { events: 0, heartbeats: 0, bytes: 0, lost: 0 };
const lostSamples: string[] = [];
let closing = false;
let windowStart = performance.now();
/** Stream sockets: one each, never reused. */
const streamAgent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
/** Session creation: a small keep-alive pool. */
let apiAgent = new Agent({ keepAlive: true, maxSockets: 16 });

function send(message: HoldReply): void {
  if (process.connected) process.send?.(message);
}

function sample(into: string[], error: unknown): void {
  if (into.length < MAX_SAMPLES) into.push(error instanceof Error ? error.message : String(error));
}

function countHeartbeats(chunk: Buffer): number {
  let n = 0;
  for (let at = chunk.indexOf(HEARTBEAT); at !== -1; at = chunk.indexOf(HEARTBEAT, at + HEARTBEAT.length))
    n++;
  return n;
}

/** Sends a request; resolves with the response when its headers arrive, rejects after `timeoutMs`. */
function sendRequest(
  url: URL,
  init: { method: string; headers: Record<string, string>; body?: string; agent: Agent },
  timeoutMs: number,
): Promise<{ req: ClientRequest; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method, headers: init.headers, agent: init.agent });
    const timer = setTimeout(() => req.destroy(new Error(`no response within ${timeoutMs} ms`)), timeoutMs);
    req.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.once('response', (res) => {
      clearTimeout(timer);
      resolve({ req, res });
    });
    req.end(init.body);
  });
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', reject);
  });
}

async function createSession(base: string, timeoutMs: number): Promise<string> {
  const body = '{}';
  const { res } = await sendRequest(
    new URL('/api/sessions', base),
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
      body,
      agent: apiAgent,
    },
    timeoutMs,
  );
  const text = await readBody(res);
  if (res.statusCode !== 201) throw new Error(`POST /api/sessions: ${res.statusCode} ${text.slice(0, 200)}`);
  return (JSON.parse(text) as { id: string }).id;
}

/** The stream request of stream `i` of the job. */
async function streamRequest(
  job: OpenJob,
  i: number,
  timeoutMs: number,
): Promise<{ url: URL; method: string; headers: Record<string, string>; body?: string }> {
  const accept = { accept: 'text/event-stream' };
  const target = job.targets?.[i % job.targets.length];
  if (job.kind === 'raw') {
    const url = new URL('/stream', job.url);
    if (target !== undefined) url.searchParams.set('group', target);
    return { url, method: 'GET', headers: accept };
  }
  if (job.kind === 'sluice-join') {
    if (target === undefined) throw new Error('sluice-join needs run ids as targets');
    return { url: new URL(`/api/runs/${target}/events`, job.url), method: 'GET', headers: accept };
  }
  const session = await createSession(job.url, timeoutMs);
  // The run belongs to its client: when the stream closes (at the end), the run is cancelled.
  const body = JSON.stringify({ message: job.message ?? 'hello', on_disconnect: 'cancel' });
  return {
    url: new URL(`/api/sessions/${session}/runs`, job.url),
    method: 'POST',
    headers: {
      ...accept,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    },
    body,
  };
}

function hold(req: ClientRequest, res: IncomingMessage): void {
  const stream: Held = { req, counter: new FrameCounter(), sawEvent: false, sawHeartbeat: false };
  held.add(stream);
  res.on('data', (chunk: Buffer) => {
    totals.bytes += chunk.length;
    const events = stream.counter.feed(chunk);
    if (events > 0) {
      totals.events += events;
      stream.sawEvent = true;
    }
    const beats = countHeartbeats(chunk);
    if (beats > 0) {
      totals.heartbeats += beats;
      stream.sawHeartbeat = true;
    }
  });
  const lose = (why: string) => {
    if (!held.delete(stream) || closing) return;
    totals.lost++;
    sample(lostSamples, why);
  };
  res.once('end', () => lose('the server ended the stream'));
  res.once('error', (error) => lose(error.message));
  req.once('close', () => lose('the connection closed'));
}

async function openOne(job: OpenJob, i: number, timeoutMs: number): Promise<void> {
  const spec = await streamRequest(job, i, timeoutMs);
  const { req, res } = await sendRequest(
    spec.url,
    {
      method: spec.method,
      headers: spec.headers,
      agent: streamAgent,
      ...(spec.body ? { body: spec.body } : {}),
    },
    timeoutMs,
  );
  if (res.statusCode !== 200) {
    const text = await readBody(res);
    throw new Error(`${spec.method} ${spec.url.pathname}: ${res.statusCode} ${text.slice(0, 200)}`);
  }
  hold(req, res);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function openAll(job: OpenJob): Promise<OpenResult> {
  closing = false;
  apiAgent.destroy();
  apiAgent = new Agent({ keepAlive: true, maxSockets: Math.max(1, job.maxPending) });
  const openMs = new Histogram();
  const errorSamples: string[] = [];
  let opened = 0;
  let failed = 0;
  let pending = 0;
  let settled: (() => void) | undefined;
  const started = performance.now();
  const deadline = started + job.deadlineMs;
  let i = 0;
  for (; i < job.count; i++) {
    const due = started + (i * 1000) / job.perSecond;
    let now = performance.now();
    while (now < deadline && (pending >= job.maxPending || now < due)) {
      if (pending >= job.maxPending) {
        // Wakes when one settles; the timeout only bounds the wait.
        await Promise.race([new Promise<void>((resolve) => (settled = resolve)), sleep(100)]);
      } else await sleep(Math.max(1, due - now));
      now = performance.now();
    }
    if (now >= deadline) break;
    pending++;
    const sent = performance.now();
    openOne(job, i, Math.max(1000, deadline - sent))
      .then(
        () => {
          opened++;
          openMs.record(performance.now() - sent);
        },
        (error: unknown) => {
          failed++;
          sample(errorSamples, error);
        },
      )
      .finally(() => {
        pending--;
        settled?.();
      });
  }
  // Each opening request carries its own timeout, so this wait is bounded too.
  while (pending > 0) await Promise.race([new Promise<void>((resolve) => (settled = resolve)), sleep(100)]);
  const skipped = job.count - i;
  if (skipped > 0) sample(errorSamples, `${skipped} streams not started before the deadline`);
  windowStart = performance.now();
  return {
    requested: job.count,
    opened,
    failed: failed + skipped,
    errorSamples,
    elapsedMs: Math.round(performance.now() - started),
    openMs: openMs.summary(),
  };
}

function status(): HoldStatus {
  let withEvent = 0;
  let withHeartbeat = 0;
  for (const stream of held) {
    if (stream.sawEvent) withEvent++;
    if (stream.sawHeartbeat) withHeartbeat++;
    stream.sawEvent = false;
    stream.sawHeartbeat = false;
  }
  const now = performance.now();
  const result: HoldStatus = {
    windowMs: Math.round(now - windowStart),
    open: held.size,
    lost: totals.lost,
    lostSamples: [...lostSamples],
    events: totals.events,
    heartbeats: totals.heartbeats,
    bytes: totals.bytes,
    withEvent,
    withHeartbeat,
  };
  windowStart = now;
  totals.events = 0;
  totals.heartbeats = 0;
  totals.bytes = 0;
  return result;
}

async function closeAll(): Promise<number> {
  closing = true;
  const streams = [...held];
  held.clear();
  const closed = streams.map(
    (stream) => new Promise<void>((resolve) => stream.req.once('close', () => resolve())),
  );
  for (const stream of streams) stream.req.destroy();
  apiAgent.destroy();
  await Promise.race([Promise.all(closed), sleep(CLOSE_WAIT_MS)]);
  totals.lost = 0;
  lostSamples.length = 0;
  status();
  return streams.length;
}

if (!process.send) throw new Error('bench/scenarios/hold-load.ts runs as a forked child of a scenario');
process.on('message', (command: HoldCommand) => {
  const fail = (error: unknown) =>
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  if (command.type === 'stop') process.exit(0);
  else if (command.type === 'status') send({ type: 'status', status: status() });
  else if (command.type === 'close') closeAll().then((closed) => send({ type: 'closed', closed }), fail);
  else if (command.type === 'open')
    openAll(command.job).then((result) => send({ type: 'opened', result }), fail);
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
