/**
 * Messages between a scenario and its holding load child (bench/scenarios/hold-load.ts), which
 * opens many long-lived SSE streams at a bounded rate and keeps them open until told to close.
 */
import type { Percentiles } from '../ipc.ts';

/**
 * - `raw`: `GET /stream` on the raw writer, or `GET /stream?group=<target>` when targets are given.
 * - `sluice-run`: `POST /api/sessions`, then `POST /api/sessions/{id}/runs` as SSE: one run per stream.
 * - `sluice-join`: `GET /api/runs/{target}/events`: stream i joins targets[i % targets.length].
 */
export type HoldKind = 'raw' | 'sluice-run' | 'sluice-join';

export interface OpenJob {
  kind: HoldKind;
  /** The server's base URL. */
  url: string;
  count: number;
  /** Streams started per second, at most. */
  perSecond: number;
  /** Streams opening at once (request sent, response headers not yet in), at most. */
  maxPending: number;
  /** No stream starts after this many ms; one still opening this long after it fails. */
  deadlineMs: number;
  /** sluice-run: the run's message. */
  message?: string;
  /** sluice-join: run ids; raw: group names (absent: every stream on a timer of its own). */
  targets?: string[];
}

export interface OpenResult {
  requested: number;
  opened: number;
  failed: number;
  errorSamples: string[];
  elapsedMs: number;
  /** First request sent -> stream response headers (for sluice-run, the session is created first). */
  openMs: Percentiles;
}

/** What the streams received since the previous `status` (or since they opened). */
export interface HoldStatus {
  windowMs: number;
  /** Streams open now. */
  open: number;
  /** Streams that ended or failed without being told to close, since they opened. */
  lost: number;
  lostSamples: string[];
  events: number;
  heartbeats: number;
  bytes: number;
  /** Open streams that received at least one event, and at least one heartbeat, in the window. */
  withEvent: number;
  withHeartbeat: number;
}

export type HoldCommand =
  | { type: 'open'; job: OpenJob }
  | { type: 'status' }
  | { type: 'close' }
  | { type: 'stop' };

export type HoldReply =
  | { type: 'ready' }
  | { type: 'opened'; result: OpenResult }
  | { type: 'status'; status: HoldStatus }
  | { type: 'closed'; closed: number }
  | { type: 'error'; message: string };
