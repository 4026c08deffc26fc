/**
 * The baseline: a bare node:http server that answers every request with the frames of one real
 * Sluice run (recorded by the orchestrator and sent in `init`), written one `res.write` per frame
 * as Sluice does, waiting for 'drain' whenever a write returns false, then ends the response.
 * No framework, no store, no bus: the cost floor of streaming the same bytes from Node.
 *
 * Two variants for bench/scenarios: with `delaysMs` in `init`, /stream waits before each frame on
 * a timer of its own per stream (the demo model's pacing, one setTimeout per token per run); and
 * `GET /fanout` holds the stream open until `POST /fanout/go`, when one producer writes the
 * frames to every held response, as one run fans out to the clients that joined it.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { SSE_HEADERS } from '../src/sse/headers.ts';
import { reply, serveCommands } from './server-child.ts';

/**
 * The fan-out producer takes its frames this many bytes at a time, the size of one loopback read
 * (how a live run's events reach Sluice from its model), and hands the event loop back after each.
 */
const FANOUT_BATCH_BYTES = 64 * 1024;

let frames: string[] = [];
let delaysMs: number[] = [];
/** Fan-out streams waiting for `POST /fanout/go`. */
const held = new Set<ServerResponse>();

const server = createServer((req, res) => {
  req.resume();
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'POST' && path === '/fanout/go') {
    const joined = [...held];
    held.clear();
    res.writeHead(204).end();
    void fanOut(joined);
    return;
  }
  res.writeHead(200, SSE_HEADERS);
  if (path === '/fanout') {
    res.flushHeaders();
    held.add(res);
    res.once('close', () => held.delete(res));
    return;
  }
  void writeFrames(res);
});

async function writeFrames(res: ServerResponse): Promise<void> {
  let gone = false;
  res.once('close', () => {
    gone = true;
  });
  for (const [index, frame] of frames.entries()) {
    const delay = delaysMs[index] ?? 0;
    if (delay > 0) await sleep(delay);
    if (gone) return;
    if (!res.write(frame)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (!gone) res.end();
}

/**
 * Hands the frames to every response a batch at a time (one `res.write` per response per batch,
 * as Sluice writes what one tick produced), without waiting for any one of them: a full socket
 * leaves the batch in Node's buffer for that response (no bound, no cut-off: the naive writer).
 */
async function fanOut(responses: ServerResponse[]): Promise<void> {
  let batch: string[] = [];
  let bytes = 0;
  const writeBatch = () => {
    const chunk = batch.join('');
    for (const res of responses) if (!res.destroyed) res.write(chunk);
    batch = [];
    bytes = 0;
  };
  for (const frame of frames) {
    batch.push(frame);
    bytes += frame.length;
    if (bytes >= FANOUT_BATCH_BYTES) {
      writeBatch();
      await nextTurn();
    }
  }
  if (batch.length > 0) writeBatch();
  for (const res of responses) if (!res.destroyed) res.end();
}

serveCommands({
  close: () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  onInit(init) {
    frames = init.frames;
    delaysMs = init.delaysMs ?? [];
    if (server.listening) return;
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      reply({ type: 'ready', url: `http://127.0.0.1:${port}` });
    });
  },
});
