import type { EventId, EventStore, StreamId } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  isJSONRPCErrorResponse,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
} from '@modelcontextprotocol/sdk/types.js';
import type { EventBus, LogEntry, Unsubscribe } from '../../bus/index.ts';
import type { CanonicalEvent } from '../../protocol/index.ts';

/**
 * MCP resumability on Sluice's event log, so a stream written on one instance resumes on any
 * other once the bus is Redis.
 *
 * Keying: each MCP stream is a log on the EventBus like a run's, with the id
 * `mcp:<session id>:<stream id>` (the stream id is the SDK's: a UUID per POST, `_GET_stream` for
 * the session's standalone stream). Its entries are canonical `processing_status` events (stage
 * `mcp_message`) carrying the JSON-RPC message in `metadata.mcp`, so they are valid events that
 * any bus stores as it stores a run's. An event id is `<session id>.<stream id>.<seq>`. A POST
 * stream's log ends with its first JSON-RPC response (the SDK client sends one request per POST)
 * and is kept for the run retention period.
 */

export interface StreamCursor {
  sessionId: string;
  streamId: string;
  /** The last seq the client saw. */
  seq: number;
}

export function streamLogId(sessionId: string, streamId: string): string {
  return `mcp:${sessionId}:${streamId}`;
}

export function eventIdOf(sessionId: string, streamId: string, seq: number): EventId {
  return `${sessionId}.${streamId}.${seq}`;
}

/** The cursor an event id names, or undefined when it is not one of ours. */
export function parseEventId(eventId: string): StreamCursor | undefined {
  const match = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{1,64})\.(\d{1,15})$/i.exec(eventId.trim());
  if (!match) return undefined;
  const [, sessionId = '', streamId = '', seq = ''] = match;
  return { sessionId, streamId, seq: Number(seq) };
}

/** The JSON-RPC message an entry carries; undefined for the SDK's empty priming event. */
export function messageOf(entry: LogEntry): JSONRPCMessage | undefined {
  const message = entry.event.metadata.mcp as Partial<JSONRPCMessage> | undefined;
  return message && 'jsonrpc' in message ? (message as JSONRPCMessage) : undefined;
}

export interface BusEventStoreOptions {
  bus: EventBus;
  sessionId: string;
  /** How long an ended stream's log stays readable. */
  retentionMs: number;
  /** Told when an append fails: the message still goes out live but cannot be resumed. */
  onError(error: unknown): void;
}

interface StreamState {
  /** Undefined until read from the bus (a stream can be written again by another instance). */
  seq: number | undefined;
  /** The last store in progress: stores append one after another, in call order. */
  tail: Promise<unknown>;
}

/** The SDK's EventStore for one MCP session, on the EventBus. `storeEvent` never rejects. */
export class BusEventStore implements EventStore {
  /** While true nothing is appended (a session being restored replays its initialize). */
  muted = false;
  private readonly streams = new Map<StreamId, StreamState>();

  constructor(private readonly options: BusEventStoreOptions) {}

  storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const { bus, sessionId, retentionMs } = this.options;
    const key = streamLogId(sessionId, streamId);
    let state = this.streams.get(streamId);
    if (!state) {
      state = { seq: undefined, tail: Promise.resolve() };
      this.streams.set(streamId, state);
    }
    const stream = state;
    const ends = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message);
    const stored = stream.tail.then(async () => {
      if (stream.seq === undefined) {
        const log = await bus.state(key).catch(() => ({ state: 'missing' }) as const);
        stream.seq = log.state === 'missing' ? 0 : log.lastSeq;
      }
      const seq = ++stream.seq;
      if (!this.muted) {
        try {
          await bus.append(key, entryOf(key, sessionId, seq, message));
          if (ends) await bus.end(key, retentionMs);
        } catch (error) {
          this.options.onError(error);
        }
      }
      if (ends && this.streams.get(streamId) === stream) this.streams.delete(streamId);
      return eventIdOf(sessionId, streamId, seq);
    });
    stream.tail = stored;
    return stored;
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    const cursor = parseEventId(eventId);
    return cursor?.sessionId === this.options.sessionId ? cursor.streamId : undefined;
  }

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    const cursor = parseEventId(lastEventId);
    if (cursor?.sessionId !== this.options.sessionId) throw new Error(`unknown event id ${lastEventId}`);
    const key = streamLogId(cursor.sessionId, cursor.streamId);
    for (const entry of await this.options.bus.readAfter(key, cursor.seq)) {
      const message = messageOf(entry);
      if (message) await send(eventIdOf(cursor.sessionId, cursor.streamId, entry.seq), message);
    }
    return cursor.streamId;
  }
}

/**
 * Follows a stream from a cursor on: the stored messages after it, then the live ones as they
 * are stored (on whichever instance), each exactly once, until the log ends (`onEnd`).
 */
export function followStream(
  bus: EventBus,
  cursor: StreamCursor,
  handlers: { onMessage(eventId: EventId, message: JSONRPCMessage): void; onEnd(): void },
): Unsubscribe {
  return bus.subscribe(streamLogId(cursor.sessionId, cursor.streamId), cursor.seq, {
    onEntry(entry) {
      const message = messageOf(entry);
      if (message) handlers.onMessage(eventIdOf(cursor.sessionId, cursor.streamId, entry.seq), message);
    },
    onEnd: handlers.onEnd,
  });
}

function entryOf(key: string, sessionId: string, seq: number, message: JSONRPCMessage): LogEntry {
  const event: CanonicalEvent = {
    event_type: 'processing_status',
    seq,
    run_id: key,
    session_id: sessionId,
    timestamp: new Date().toISOString(),
    data: { status_message: 'mcp', progress_info: { stage: 'mcp_message' } },
    metadata: { mcp: message },
  };
  return { seq, event, json: JSON.stringify(event) };
}
