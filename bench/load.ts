/**
 * The load generator, a child process of bench/run.ts apart from both servers. For each job it
 * keeps `concurrency` streams open back to back until the duration or stream budget is spent,
 * reads them with node:http (keep-alive sockets, raw Buffers, no decoding), and reports counts
 * and latency percentiles. Sluice streams are a new session plus a run each; baseline streams
 * are one GET each.
 */
import { Agent, type ClientRequest, type IncomingMessage, request } from 'node:http';
import { FrameCounter } from './frame-counter.ts';
import { Histogram } from './histogram.ts';
import type { LoadCommand, LoadJob, LoadReply, LoadResult } from './ipc.ts';

const MAX_ERROR_SAMPLES = 5;
/** A worker whose stream failed waits this long before the next, so a dead server is not spun on. */
const ERROR_BACKOFF_MS = 20;

interface Round {
  job: LoadJob;
  agent: Agent;
  inFlight: Set<ClientRequest>;
  counter: { events: number; bytes: number; completed: number; errors: number };
  perStream: { min: number; max: number };
  ttfb: Histogram;
  ttfe: Histogram;
  gap: Histogram;
  sessionCreate: Histogram;
  errorSamples: string[];
}

function send(message: LoadReply): void {
  if (process.connected) process.send?.(message);
}

/** Sends a request and resolves with the response once its headers arrive. */
function open(
  round: Round,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: round.agent });
    round.inFlight.add(req);
    req.once('close', () => round.inFlight.delete(req));
    req.on('error', reject);
    req.once('response', resolve);
    req.end(body);
  });
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', reject);
    res.once('aborted', () => reject(new Error('response aborted')));
  });
}

async function createSession(round: Round): Promise<string> {
  const started = performance.now();
  const body = '{}';
  const res = await open(
    round,
    new URL('/api/sessions', round.job.url),
    'POST',
    { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    body,
  );
  const text = await readAll(res);
  if (res.statusCode !== 201) throw new Error(`POST /api/sessions: ${res.statusCode} ${text.slice(0, 200)}`);
  round.sessionCreate.record(performance.now() - started);
  return (JSON.parse(text) as { id: string }).id;
}

/** Opens one stream and reads it to its end, recording its events into the round. */
async function stream(round: Round): Promise<void> {
  const { job } = round;
  let url: URL;
  let method = 'GET';
  let body: string | undefined;
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (job.mode === 'sluice') {
    const sessionId = await createSession(round);
    url = new URL(`/api/sessions/${sessionId}/runs`, job.url);
    method = 'POST';
    body = JSON.stringify({ message: job.message });
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  } else {
    url = new URL('/stream', job.url);
  }

  const started = performance.now();
  const res = await open(round, url, method, headers, body);
  round.ttfb.record(performance.now() - started);
  if (res.statusCode !== 200) {
    const text = await readAll(res);
    throw new Error(`${method} ${url.pathname}: ${res.statusCode} ${text.slice(0, 200)}`);
  }
  const counter = new FrameCounter();
  let events = 0;
  let lastEventAt = 0;
  await new Promise<void>((resolve, reject) => {
    res.on('data', (chunk: Buffer) => {
      const now = performance.now();
      round.counter.bytes += chunk.length;
      const n = counter.feed(chunk);
      if (n === 0) return;
      if (events === 0) round.ttfe.record(now - started);
      else round.gap.record(now - lastEventAt);
      // Events completed by one read arrived together: zero gap between them.
      round.gap.record(0, n - 1);
      lastEventAt = now;
      events += n;
      round.counter.events += n;
    });
    res.once('end', resolve);
    res.once('error', reject);
    res.once('aborted', () => reject(new Error('stream aborted')));
  });
  round.counter.completed++;
  if (events < round.perStream.min) round.perStream.min = events;
  if (events > round.perStream.max) round.perStream.max = events;
}

async function runJob(job: LoadJob): Promise<LoadResult> {
  const round: Round = {
    job,
    agent: new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY }),
    inFlight: new Set(),
    counter: { events: 0, bytes: 0, completed: 0, errors: 0 },
    perStream: { min: Number.POSITIVE_INFINITY, max: 0 },
    ttfb: new Histogram(),
    ttfe: new Histogram(),
    gap: new Histogram(),
    sessionCreate: new Histogram(),
    errorSamples: [],
  };
  const cpuStart = process.cpuUsage();
  const startedAt = performance.now();
  const deadline = startedAt + job.durationMs;
  let started = 0;

  const fail = (error: unknown) => {
    round.counter.errors++;
    if (round.errorSamples.length < MAX_ERROR_SAMPLES) {
      round.errorSamples.push(error instanceof Error ? error.message : String(error));
    }
  };
  const rampMs = job.rampMs ?? 0;
  const worker = async (index: number) => {
    if (rampMs > 0) await new Promise((resolve) => setTimeout(resolve, (index * rampMs) / job.concurrency));
    while (performance.now() < deadline && started < job.maxStreams) {
      started++;
      try {
        await stream(round);
      } catch (error) {
        fail(error);
        await new Promise((resolve) => setTimeout(resolve, ERROR_BACKOFF_MS));
      }
    }
  };

  let tailTimer: NodeJS.Timeout | undefined;
  const cut = new Promise<void>((resolve) => {
    tailTimer = setTimeout(resolve, job.durationMs + job.tailMs);
  });
  const workers = Promise.all(Array.from({ length: job.concurrency }, (_, index) => worker(index)));
  await Promise.race([workers, cut]);
  clearTimeout(tailTimer);
  // Streams still open past the tail: cut them (each worker's stream rejects and counts an error).
  for (const req of round.inFlight) req.destroy(new Error('cut: still open after the round'));
  await workers;
  const elapsedMs = performance.now() - startedAt;
  round.agent.destroy();
  const cpu = process.cpuUsage(cpuStart);

  return {
    mode: job.mode,
    concurrency: job.concurrency,
    elapsedMs: Math.round(elapsedMs),
    streamsStarted: started,
    streamsCompleted: round.counter.completed,
    events: round.counter.events,
    bytes: round.counter.bytes,
    eventsPerSecond: Math.round((round.counter.events / elapsedMs) * 1000),
    eventsPerStream: {
      min: round.counter.completed > 0 ? round.perStream.min : 0,
      max: round.perStream.max,
    },
    ttfb: round.ttfb.summary(),
    ttfe: round.ttfe.summary(),
    gap: round.gap.summary(),
    sessionCreate: job.mode === 'sluice' ? round.sessionCreate.summary() : undefined,
    errors: round.counter.errors,
    errorSamples: round.errorSamples,
    loadCpuUs: cpu.user + cpu.system,
  };
}

if (!process.send) throw new Error('bench/load.ts runs as a forked child of bench/run.ts');
process.on('message', (command: LoadCommand) => {
  if (command.type === 'stop') process.exit(0);
  runJob(command.job).then(
    (result) => send({ type: 'result', result }),
    (error: unknown) =>
      send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
