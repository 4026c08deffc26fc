import type { EventSink } from '../agent/index.ts';
import type { EventBus, LogEntry } from '../bus/index.ts';
import type { CanonicalEvent, EventDraft } from '../protocol/index.ts';

/**
 * The sink a run's events go through: stamps seq, ids and time, encodes the JSON once, and
 * appends to the bus. After `close` nothing more is accepted, so conversation_end stays last
 * even if some straggling callback emits later.
 */
export class RunLog implements EventSink {
  private seq = 0;
  private closed = false;
  /** The latest append; appends complete in order, so this settling means all have. */
  private lastAppend: Promise<void> = Promise.resolve();

  constructor(
    private readonly bus: EventBus,
    readonly runId: string,
    readonly sessionId: string,
    private readonly onAppendError: (error: unknown, entry: LogEntry) => void,
  ) {}

  get lastSeq(): number {
    return this.seq;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  emit(draft: EventDraft): void {
    if (this.closed) return;
    const seq = ++this.seq;
    // Field order is the wire order of DESIGN.md's example frame.
    const event = {
      event_type: draft.event_type,
      seq,
      run_id: this.runId,
      session_id: this.sessionId,
      timestamp: new Date().toISOString(),
      data: draft.data,
      metadata: draft.metadata ?? {},
    } as CanonicalEvent;
    const entry: LogEntry = { seq, event, json: JSON.stringify(event) };
    this.lastAppend = this.bus
      .append(this.runId, entry)
      .catch((error: unknown) => this.onAppendError(error, entry));
  }

  /** Resolves once every event emitted so far is in the bus (or its failure was reported); never rejects. */
  flushed(): Promise<void> {
    return this.lastAppend;
  }

  /** Emits the last event and ends the log, which the bus keeps for `retentionMs`. */
  async close(last: EventDraft, retentionMs: number): Promise<void> {
    this.emit(last);
    this.closed = true;
    await this.bus.end(this.runId, retentionMs);
  }
}
