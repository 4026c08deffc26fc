export { createSseDecoder, decodeSseStream, type SseDecoder, type SseMessage } from './decode.ts';
export { encodeDataFrame, encodeFrame, flatten, HEARTBEAT_FRAME, type SseFrame } from './encode.ts';
export { SSE_HEADERS } from './headers.ts';
export {
  type HeartbeatHandle,
  HeartbeatWheel,
  type HeartbeatWheelOptions,
  withHeartbeat,
} from './heartbeat.ts';
