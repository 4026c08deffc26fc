/**
 * Response headers of every SSE stream. `no-transform` and `x-accel-buffering: no` keep proxies
 * (nginx, CDNs) from compressing or buffering the stream, which would delay every frame.
 */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
});
