import type { FastifyInstance } from 'fastify';
import type { RunManager } from '../runs/index.ts';
import type { OpenStreams } from './open-streams.ts';

/** The `retry:` a handed-off client waits before reconnecting: short, the other instances are up. */
export const HANDOFF_RETRY_MS = 1000;
/** How long handed-off responses get to flush what was queued for them before sockets are cut. */
const FLUSH_MS = 2000;
/** After the runs ended, how long streams get to deliver their last events (they arrive from the bus). */
const SETTLE_MS = 1000;

/**
 * Graceful shutdown, in this order:
 * 1. streams that follow runs other instances run are handed off at once (`retry:` and end):
 *    their clients resume elsewhere with Last-Event-ID and lose nothing;
 * 2. new runs are refused (503 shutting_down) while running ones finish, for up to `graceMs`;
 *    the rest are stopped as `interrupted` (error event, conversation_end) and persisted. An
 *    interrupted run is not continued elsewhere: its partial answer is kept, the client retries;
 * 3. streams get SETTLE_MS to deliver the ends of those runs; any stream still open then is
 *    handed off, and the HTTP server closes, cutting sockets that have not flushed within FLUSH_MS.
 */
export async function shutDown(parts: {
  app: FastifyInstance;
  runs: RunManager;
  streams: OpenStreams;
  graceMs: number;
}): Promise<void> {
  const { app, runs, streams, graceMs } = parts;
  streams.handOff(HANDOFF_RETRY_MS, (runId) => !runs.isRunning(runId));
  await runs.drain(graceMs);
  await streams.allClosed(SETTLE_MS);
  streams.handOff(HANDOFF_RETRY_MS);
  const cut = setTimeout(() => app.server.closeAllConnections(), FLUSH_MS);
  cut.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
  }
}
