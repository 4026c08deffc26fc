/**
 * Server-Sent Events frame encoding (WHATWG HTML, "Server-sent events"). Pure functions: a frame
 * in, the exact text to write out.
 */

export interface SseFrame {
  id?: string | number;
  event?: string;
  data?: string;
  /** Reconnection delay in milliseconds: a non-negative integer. */
  retry?: number;
  /** Written as `: ` lines before the fields; may span several lines. */
  comment?: string;
}

/** The idle keep-alive: a comment, which every client ignores. */
export const HEARTBEAT_FRAME = ': heartbeat\n\n';

const LINE_BREAK = /\r\n|\r|\n/;

function hasLineBreak(value: string): boolean {
  return value.indexOf('\n') !== -1 || value.indexOf('\r') !== -1;
}

function prefixLines(prefix: string, text: string): string {
  if (!hasLineBreak(text)) return prefix + text + '\n';
  let out = '';
  for (const line of text.split(LINE_BREAK)) out += prefix + line + '\n';
  return out;
}

/**
 * Encodes one frame: comment lines, `id:`, `event:`, `retry:`, one `data:` line per line of
 * `data` (split on CRLF, CR or LF, so the client rebuilds it with LF), then the blank line that
 * dispatches it. `data: ''` still dispatches an event with empty data; a frame without `data`
 * dispatches none (comments, retry).
 *
 * @throws TypeError when `id` or `event` contains CR or LF (it would end the field early and let
 *   the rest be read as other fields), when `id` contains NUL (clients ignore such ids), or when
 *   `retry` is not a non-negative integer.
 */
export function encodeFrame(frame: SseFrame): string {
  let out = '';
  if (frame.comment !== undefined) out += prefixLines(': ', frame.comment);
  if (frame.id !== undefined) {
    const id = String(frame.id);
    if (hasLineBreak(id) || id.indexOf('\0') !== -1) {
      throw new TypeError('SSE id must not contain CR, LF or NUL');
    }
    out += 'id: ' + id + '\n';
  }
  if (frame.event !== undefined) {
    if (hasLineBreak(frame.event)) throw new TypeError('SSE event name must not contain CR or LF');
    out += 'event: ' + frame.event + '\n';
  }
  if (frame.retry !== undefined) {
    if (!Number.isSafeInteger(frame.retry) || frame.retry < 0) {
      throw new TypeError('SSE retry must be a non-negative integer');
    }
    out += 'retry: ' + frame.retry + '\n';
  }
  if (frame.data !== undefined) out += prefixLines('data: ', frame.data);
  return out + '\n';
}

/**
 * The hot path for canonical events: `encodeFrame({ id, event, data: json })` without checks.
 *
 * Contract (unchecked, the caller guarantees it): `json` is one line, which holds for any
 * `JSON.stringify` output since it escapes CR and LF inside strings; `event` is a known event
 * name without CR or LF.
 */
export function encodeDataFrame(id: number, event: string, json: string): string {
  return 'id: ' + id + '\nevent: ' + event + '\ndata: ' + json + '\n\n';
}

/**
 * The same text as one contiguous string. V8 keeps the result of `a + b` as a tree of the pieces
 * until something reads its characters; a string kept for long (an event in a run's log) is
 * smaller and faster to write once flat. Reading one character is what makes V8 flatten it.
 */
export function flatten(text: string): string {
  if (text.length > 0) text.charCodeAt(0);
  return text;
}
