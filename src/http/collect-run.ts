import type { FastifyReply } from 'fastify';
import type { LogEntry } from '../bus/index.ts';
import type { AppContext } from './context.ts';

/**
 * Feeds a run's log, from its first event, to `onEntry` and resolves once the log has ended: what
 * the non-streaming endpoints answer from. When `reply`'s client leaves first, `onClientGone` is
 * called and the wait ends at once (resolving false); otherwise it resolves true.
 */
export function collectRun(
  ctx: AppContext,
  runId: string,
  onEntry: (entry: LogEntry) => void,
  reply?: FastifyReply,
  onClientGone?: () => void,
): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    let stop: (() => void) | undefined;
    const finish = (complete: boolean) => {
      if (settled) return;
      settled = true;
      reply?.raw.off('close', onClose);
      stop?.();
      resolve(complete);
    };
    const onClose = () => {
      if (settled) return;
      onClientGone?.();
      finish(false);
    };
    // A client that left while the run was starting: its 'close' has fired already.
    if (reply?.raw.destroyed) {
      onClose();
      return;
    }
    reply?.raw.once('close', onClose);
    stop = ctx.bus.subscribe(runId, 0, { onEntry, onEnd: () => finish(true) });
    if (settled) stop();
  });
}
