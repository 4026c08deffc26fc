import type { EventBus, LogEntry } from '../bus/index.ts';
import type { CanonicalEvent, EventDraft } from '../protocol/index.ts';
import { SluiceError } from '../protocol/index.ts';
import type { RunRecord, Store } from '../store/index.ts';
import type { Logger } from './logger.ts';

export interface RunReaperDeps {
  store: Store;
  bus: EventBus;
  log: Logger;
  /** This instance's id; its claims on orphaned runs are held as `reaper:<instanceId>`. */
  instanceId: string;
  /** How often to look for runs whose lease expired (about the lease renewal interval). */
  intervalMs: number;
  /** How long a claim on an orphaned run lasts: the lease TTL. */
  claimTtlMs: number;
  /** How long an ended log is kept. */
  retentionMs: number;
}

const UNFINISHED = new Set(['queued', 'running']);

/**
 * Marks `interrupted` the runs whose instance died: runs the store calls queued or running while
 * nobody holds their lease. Any instance may find such a run; the one that takes its lease (SET NX)
 * does the work, so two never both do it. It appends an `error` (run_interrupted) and a
 * conversation_end with status interrupted unless the log already ended, ends the log, and updates
 * the store. Clients joined to the run on any instance receive both events and a clean end.
 *
 * The claim is never released: it expires after `claimTtlMs`, by when the store says interrupted.
 */
export class RunReaper {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sweeping: Promise<unknown> | undefined;
  private closed = false;
  private readonly claimId: string;

  constructor(private readonly deps: RunReaperDeps) {
    this.claimId = `reaper:${deps.instanceId}`;
  }

  /** Sweeps now, then about every `intervalMs` (with jitter, so instances do not sweep in step). */
  start(): void {
    const next = () => {
      if (this.closed) return;
      const sweep = this.sweep()
        .catch((error: unknown) => this.deps.log.warn({ err: error }, 'looking for interrupted runs failed'))
        .finally(() => {
          if (this.sweeping === sweep) this.sweeping = undefined;
          if (this.closed) return;
          const delay = this.deps.intervalMs * (0.8 + Math.random() * 0.4);
          this.timer = setTimeout(next, delay);
          this.timer.unref();
        });
      this.sweeping = sweep;
    };
    next();
  }

  /** One pass over the unfinished runs; resolves with the ids this instance marked interrupted. */
  async sweep(): Promise<string[]> {
    const { store, bus } = this.deps;
    const runs = await store.listUnfinishedRuns();
    const holders = await Promise.all(runs.map((run) => bus.leaseHolder(run.id)));
    const reaped: string[] = [];
    for (const [i, run] of runs.entries()) {
      if (this.closed) break;
      if (holders[i] === undefined && (await this.reap(run))) reaped.push(run.id);
    }
    return reaped;
  }

  /** Stops sweeping and waits for a sweep in progress. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.sweeping;
  }

  /** Marks one orphaned run interrupted; false when its lease is held or it has finished after all. */
  private async reap(run: RunRecord): Promise<boolean> {
    const { store, bus, log } = this.deps;
    if (!(await bus.acquireLease(run.id, this.claimId, this.deps.claimTtlMs))) return false;
    // Read again under the claim: the run may have finished (and released its lease) since the list.
    const fresh = await store.getRun(run.id);
    if (!fresh || !UNFINISHED.has(fresh.status)) return false;
    const error = new SluiceError('run_interrupted');
    const message = error.toBody(fresh.language).error.message;
    // The store first, as a run's own end does: a client that sees conversation_end finds the
    // final status. A live log gets two more events.
    const state = await bus.state(fresh.id);
    const expected =
      state.state === 'live' ? state.lastSeq + 2 : state.state === 'ended' ? state.lastSeq : fresh.last_seq;
    await store.updateRun(fresh.id, {
      status: 'interrupted',
      error_code: error.code,
      error_message: message,
      last_seq: expected,
      ended_at: new Date().toISOString(),
    });
    const lastSeq = await this.closeLog(fresh, error, message);
    if (lastSeq !== undefined && lastSeq !== expected) await store.updateRun(fresh.id, { last_seq: lastSeq });
    log.warn({ runId: fresh.id }, 'run interrupted: the instance running it stopped renewing its lease');
    return true;
  }

  /**
   * Appends error + conversation_end to a live log and ends it; returns the log's last seq. The
   * seq check in `append` guards against a straggling write from the old instance: on a conflict
   * the state is read again and the pair goes after whatever landed.
   */
  private async closeLog(run: RunRecord, error: SluiceError, message: string): Promise<number | undefined> {
    const { bus } = this.deps;
    for (let attempt = 0; ; attempt++) {
      const state = await bus.state(run.id);
      if (state.state === 'missing') return undefined;
      if (state.state === 'ended') return state.lastSeq;
      const drafts: EventDraft[] = [
        {
          event_type: 'error',
          data: { error_message: message, error_details: null, code: error.code, retryable: error.retryable },
        },
        {
          event_type: 'conversation_end',
          data: {
            success: false,
            execution_time: secondsSince(run.started_at ?? run.created_at),
            new_messages_count: 0,
            status: 'interrupted',
            usage: run.usage,
          },
        },
      ];
      try {
        let seq = state.lastSeq;
        for (const draft of drafts) await bus.append(run.id, entryOf(run, ++seq, draft));
        await bus.end(run.id, this.deps.retentionMs);
        return seq;
      } catch (thrown) {
        if (attempt >= 2) throw thrown;
      }
    }
  }
}

/** The same envelope, field order and encoding as RunLog's. */
function entryOf(run: RunRecord, seq: number, draft: EventDraft): LogEntry {
  const event = {
    event_type: draft.event_type,
    seq,
    run_id: run.id,
    session_id: run.session_id,
    timestamp: new Date().toISOString(),
    data: draft.data,
    metadata: draft.metadata ?? {},
  } as CanonicalEvent;
  return { seq, event, json: JSON.stringify(event) };
}

function secondsSince(iso: string): number {
  const ms = Date.now() - Date.parse(iso);
  return Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0;
}
