import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DialectStream } from '../dialects/index.ts';
import type { Language } from '../protocol/index.ts';
import type { RunRecord } from '../store/index.ts';
import type { AppContext } from './context.ts';
import { streamRunLog } from './run-stream.ts';

export interface SendRunStreamOptions {
  run: RunRecord;
  /** Deliver events after this seq (0 = from the start). */
  after: number;
  heartbeatMs: number;
  /** Language of the few texts the transport itself writes (slow_consumer). */
  language: Language;
  dialect: DialectStream;
  /** Called when the client leaves before the run's log ended (on_disconnect: cancel). */
  onClientGone?: () => void;
  headers?: Record<string, string>;
}

/**
 * Takes the response over from Fastify and streams a run's log in a dialect. Every streaming
 * route goes through here, so headers, counting and CORS are the same everywhere.
 */
export function sendRunStream(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  options: SendRunStreamOptions,
): void {
  const { run } = options;
  reply.hijack();
  // The client left while the route still awaited (the store, a held-up start): the response
  // already closed and will not emit 'close' again, so no listener below would ever stop the
  // heartbeat, uncount the stream or honour on_disconnect. Treat it as gone now.
  if (reply.raw.destroyed) {
    options.onClientGone?.();
    return;
  }
  ctx.streams.open++;
  ctx.stats.recordStream(run.tenant_id, run.agent_id);
  reply.raw.once('close', () => {
    ctx.streams.open--;
  });
  // A hijacked reply skips Fastify's onSend hooks, so headers plugins set are copied by hand.
  const origin = reply.getHeader('access-control-allow-origin');
  const handOff = streamRunLog(reply.raw, {
    bus: ctx.bus,
    runId: run.id,
    after: options.after,
    dialect: options.dialect,
    wheel: ctx.wheel,
    heartbeatMs: options.heartbeatMs,
    maxQueuedFrames: ctx.config.runs.max_queued_frames,
    language: options.language,
    headers: {
      'x-sluice-run-id': run.id,
      'x-sluice-session-id': run.session_id,
      ...(typeof origin === 'string' ? { 'access-control-allow-origin': origin } : {}),
      ...options.headers,
    },
    ...(options.onClientGone ? { onClientGone: options.onClientGone } : {}),
  });
  ctx.streams.track(reply.raw, run.id, handOff);
  // A client that half-closes has gone (Node ends the socket on its FIN), but while its socket is
  // full no write fails to say so: its stream, heartbeat and on_disconnect would wait on it forever.
  const socket = reply.raw.socket;
  const halfClosed = () => reply.raw.destroy();
  if (socket?.readableEnded) halfClosed();
  else if (socket) {
    socket.once('end', halfClosed);
    reply.raw.once('close', () => socket.off('end', halfClosed));
  }
  request.log.debug({ runId: run.id, after: options.after }, 'stream opened');
}
