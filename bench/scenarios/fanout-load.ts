/**
 * The load child of the fan-out scenarios, in a process of its own (apart from the server under
 * test, and from the orchestrator): for each job, `readers + stalled` clients join one source,
 * then it opens the source's gate and reads every reader to its end with node:http (raw Buffers,
 * events counted by FrameCounter, nothing decoded), and reports what arrived after the gate
 * opened. Stalled clients stop reading at their headers and read again once the readers are done.
 */
import { Agent, type ClientRequest, type IncomingMessage, request } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { FrameCounter } from '../frame-counter.ts';
import { Histogram } from '../histogram.ts';
import type { FanOutCommand, FanOutJob, FanOutReply, FanOutResult, StalledOutcome } from './fanout-ipc.ts';

const MAX_ERROR_SAMPLES = 5;
/** How long a stalled client may take to read its stream to the end once it reads again. */
const STALLED_READ_MS = 30_000;
const SLOW_CONSUMER = 'slow_consumer';
/** How long a job paused after its readers waits for `continue`. */
const CONTINUE_WAIT_MS = 60_000;
/** Set while a job waits for `continue`. */
let proceed: (() => void) | undefined;

interface Joined {
  req: ClientRequest;
  res: IncomingMessage;
}

/** Resolves with the promise's value, or `fallback` after `ms` (the timer is cleared either way). */
async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

function send(message: FanOutReply): void {
  if (process.connected) process.send?.(message);
}

/** GETs `url` as SSE and resolves once a 200's headers arrive. */
function join(url: URL, agent: Agent, timeoutMs: number): Promise<Joined> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream' }, agent });
    const timer = setTimeout(() => req.destroy(new Error(`no headers within ${timeoutMs} ms`)), timeoutMs);
    req.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.once('response', (res) => {
      clearTimeout(timer);
      if (res.statusCode === 200) {
        resolve({ req, res });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () =>
        reject(
          new Error(
            `GET ${url.pathname}: ${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}`,
          ),
        ),
      );
    });
    req.end();
  });
}

function post(url: URL, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-length': '0' } }, (res) => {
      res.resume();
      res.once('end', () =>
        res.statusCode && res.statusCode < 300
          ? resolve()
          : reject(new Error(`POST ${url.pathname}: ${res.statusCode}`)),
      );
    });
    req.once('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`POST ${url.pathname}: timed out`)));
    req.end();
  });
}

/** Resolves when the response ends, rejects when it breaks. */
function ended(joined: Joined): Promise<void> {
  return new Promise((resolve, reject) => {
    joined.res.once('end', resolve);
    joined.res.once('error', reject);
    joined.res.once('aborted', () => reject(new Error('stream aborted')));
    joined.req.once('error', reject);
  });
}

async function runJob(job: FanOutJob): Promise<FanOutResult> {
  const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  const cpuStart = process.cpuUsage();
  const errorSamples: string[] = [];
  let errors = 0;
  const fail = (error: unknown) => {
    errors++;
    if (errorSamples.length < MAX_ERROR_SAMPLES) {
      errorSamples.push(error instanceof Error ? error.message : String(error));
    }
  };

  /** Undefined until the gate opens: what arrives before it (a replayed log's start) does not count. */
  let goAt: number | undefined;
  const totals = { events: 0, bytes: 0 };
  const perReader: number[] = [];
  const firstEvent = new Histogram();
  const endTimes = new Histogram();
  let lastEnd = 0;
  const readers: Array<{ joined: Joined; done: Promise<void> }> = [];
  const stalled: Joined[] = [];

  const follow = (joined: Joined) => {
    const index = perReader.push(0) - 1;
    const counter = new FrameCounter();
    joined.res.on('data', (chunk: Buffer) => {
      const n = counter.feed(chunk);
      if (goAt === undefined) return;
      totals.bytes += chunk.length;
      if (n === 0) return;
      if (perReader[index] === 0) firstEvent.record(performance.now() - goAt);
      perReader[index]! += n;
      totals.events += n;
    });
    const done = ended(joined).then(() => {
      const now = performance.now();
      if (goAt === undefined) throw new Error('the stream ended before the gate opened');
      endTimes.record(now - goAt);
      if (now > lastEnd) lastEnd = now;
    });
    // Failures are counted once, after the wait below; this keeps them from being unhandled.
    done.catch(() => {});
    readers.push({ joined, done });
  };

  // Stalled clients sit in the middle of the join order, among the readers.
  const total = job.readers + job.stalled;
  const stalledFrom = Math.floor(job.readers / 2);
  const joinUrl = new URL(job.joinUrl);
  const joinStarted = performance.now();
  let next = 0;
  const joiner = async () => {
    while (next < total) {
      const index = next++;
      try {
        const joined = await join(joinUrl, agent, job.joinTimeoutMs);
        if (index >= stalledFrom && index < stalledFrom + job.stalled) {
          joined.res.pause();
          // Until it reads again, nothing listens; a reset must not crash the process.
          joined.res.on('error', () => {});
          joined.req.on('error', () => {});
          stalled.push(joined);
        } else follow(joined);
      } catch (error) {
        fail(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(job.joinParallel, total)) }, joiner));
  const joinMs = performance.now() - joinStarted;

  // Lets every joined stream's first bytes (a replay) arrive before the gate opens.
  await nextTurn();
  goAt = performance.now();
  try {
    await post(new URL(job.goUrl), agent);
  } catch (error) {
    fail(error);
  }
  await within(Promise.allSettled(readers.map((r) => r.done)), job.readTimeoutMs, []);
  for (const reader of readers) {
    if (!reader.joined.res.complete)
      reader.joined.req.destroy(new Error('cut: still open after the read timeout'));
  }
  for (const outcome of await Promise.allSettled(readers.map((r) => r.done))) {
    if (outcome.status === 'rejected') fail(outcome.reason);
  }
  const elapsedMs = lastEnd > goAt ? lastEnd - goAt : performance.now() - goAt;

  if (job.pauseAfterReaders) {
    const resumed = new Promise<void>((resolve) => {
      proceed = resolve;
    });
    send({ type: 'readers-done' });
    await within(resumed, CONTINUE_WAIT_MS, undefined);
    proceed = undefined;
  }
  const stalledOutcomes: StalledOutcome[] = [];
  for (const joined of stalled) stalledOutcomes.push(await readToEnd(joined));
  agent.destroy();
  const cpu = process.cpuUsage(cpuStart);
  const completed = perReader.length > 0;
  return {
    readers: readers.length,
    joinMs: Math.round(joinMs),
    events: totals.events,
    bytes: totals.bytes,
    elapsedMs: Math.round(elapsedMs * 10) / 10,
    eventsPerSecond: Math.round((totals.events / elapsedMs) * 1000),
    eventsPerReader: {
      min: completed ? Math.min(...perReader) : 0,
      max: completed ? Math.max(...perReader) : 0,
    },
    firstEvent: firstEvent.summary(),
    end: endTimes.summary(),
    stalled: stalledOutcomes,
    errors,
    errorSamples,
    loadCpuUs: cpu.user + cpu.system,
  };
}

/** Reads a stalled client again, to its end (bounded in time), and says what it got. */
async function readToEnd(joined: Joined): Promise<StalledOutcome> {
  const counter = new FrameCounter();
  const outcome: StalledOutcome = { events: 0, bytes: 0, slowConsumer: false, ended: false };
  let tail = '';
  joined.res.on('data', (chunk: Buffer) => {
    outcome.events += counter.feed(chunk);
    outcome.bytes += chunk.length;
    tail = (tail + chunk.toString('latin1', Math.max(0, chunk.length - 4096))).slice(-4096);
  });
  const done = ended(joined).then(
    () => true,
    () => false,
  );
  joined.res.resume();
  outcome.ended = await within(done, STALLED_READ_MS, false);
  if (!outcome.ended) joined.req.destroy();
  outcome.slowConsumer = tail.includes(SLOW_CONSUMER);
  return outcome;
}

if (!process.send) throw new Error('bench/scenarios/fanout-load.ts runs as a forked child of a scenario');
process.on('message', (command: FanOutCommand) => {
  if (command.type === 'stop') process.exit(0);
  if (command.type === 'continue') {
    proceed?.();
    return;
  }
  runJob(command.job).then(
    (result) => send({ type: 'result', result }),
    (error: unknown) =>
      send({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
