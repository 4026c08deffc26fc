import type { EventSink } from '../agent/index.ts';
import type { EventBus, LogEntry } from '../bus/index.ts';
import type { CanonicalEvent, EventDraft } from '../protocol/index.ts';
import { encodeDataFrame, flatten } from '../sse/index.ts';

/** Shared by every event without metadata; never mutated. */
const EMPTY_METADATA: Record<string, never> = Object.freeze({});

let clockMs = 0;
let clockIso = '';

/** `new Date().toISOString()`, formatted once per millisecond however many events share it. */
function isoNow(): string {
  const now = Date.now();
  if (now !== clockMs) {
    clockMs = now;
    clockIso = new Date(now).toISOString();
  }
  return clockIso;
}

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
  /** The promise the bus returned for the latest append, before the error handler. */
  private lastAppended: Promise<void> | undefined;
  /** `,"run_id":…,"session_id":…,"timestamp":` as JSON: the same for every event of the run. */
  private readonly idsJson: string;

  constructor(
    private readonly bus: EventBus,
    readonly runId: string,
    readonly sessionId: string,
    private readonly onAppendError: (error: unknown, entry: LogEntry) => void,
  ) {
    this.idsJson = `,"run_id":${JSON.stringify(runId)},"session_id":${JSON.stringify(sessionId)},"timestamp":`;
  }

  get lastSeq(): number {
    return this.seq;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  emit(draft: EventDraft): void {
    if (this.closed) return;
    const seq = ++this.seq;
    const timestamp = isoNow();
    const metadata = draft.metadata ?? EMPTY_METADATA;
    // Field order is the wire order of DESIGN.md's example frame.
    const event = {
      event_type: draft.event_type,
      seq,
      run_id: this.runId,
      session_id: this.sessionId,
      timestamp,
      data: draft.data,
      metadata,
    } as CanonicalEvent;
    // JSON.stringify(event), with the run's constant fields written once per log, not per event.
    const json =
      `{"event_type":${JSON.stringify(draft.event_type)},"seq":${seq}${this.idsJson}"${timestamp}",` +
      `"data":${JSON.stringify(draft.data)},"metadata":${metadata === EMPTY_METADATA ? '{}' : JSON.stringify(metadata)}}`;
    // The log keeps every event until the run's retention ends, so an entry's size is the server's
    // memory per event: one flat string holds the native frame, and the JSON is a view into it
    // (the concatenations above would otherwise stay in memory as trees of string pieces).
    const frame = flatten(encodeDataFrame(seq, draft.event_type, json));
    const start = frame.length - json.length - 2;
    const entry: LogEntry = { seq, event, json: frame.slice(start, start + json.length), nativeFrame: frame };
    const appended = this.bus.append(this.runId, entry);
    // An in-process bus hands back one settled promise for every append: it needs its handler once.
    if (appended === this.lastAppended) return;
    this.lastAppended = appended;
    this.lastAppend = appended.catch((error: unknown) => this.onAppendError(error, entry));
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
