/**
 * `sluice/client`: the typed, browser-safe client of Sluice's native API. Imports only the
 * protocol's schemas and the SSE decoder; no Node built-ins.
 */
export type { CreateSessionBody, StartRunBody, UpdateSessionBody } from '../protocol/api.ts';
export type { ErrorCode } from '../protocol/errors.ts';
export type {
  CanonicalEvent,
  CanonicalEventOf,
  EventData,
  EventType,
  RunStatus,
  Usage,
} from '../protocol/events.ts';
export type {
  Agent,
  CancelRunResponse,
  Message,
  Run,
  Session,
  SessionDetail,
  SessionPage,
} from '../protocol/responses.ts';
export type { ActivityListener, StreamActivity } from './activity.ts';
export { backoffDelay, DEFAULT_RETRY, type RetryOptions } from './backoff.ts';
export {
  ApiError,
  AuthenticationError,
  ConflictError,
  ConnectionError,
  GoneError,
  NotFoundError,
  ProtocolError,
  RateLimitError,
  RunFailedError,
  ServerError,
  SluiceClientError,
  StreamInterruptedError,
  ValidationError,
} from './errors.ts';
export type { RunResult } from './run-result.ts';
export { RunStream } from './run-stream.ts';
export {
  type JoinRunOptions,
  type RequestOptions,
  SluiceClient,
  type SluiceClientOptions,
  type StreamOptions,
} from './sluice-client.ts';
export type { FetchLike } from './transport.ts';
