import { createSseDecoder, type SseMessage } from '../../src/sse/index.ts';

export interface RawStream {
  status: number;
  headers: Headers;
  /** Every decoded message, comments excluded. */
  messages: SseMessage[];
  /** `data` of each message, parsed as JSON. */
  data: Array<Record<string, unknown>>;
  comments: string[];
  raw: string;
}

export interface RawReadOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Stop reading (and drop the connection, like a client that leaves) once this returns true. */
  until?: (messages: SseMessage[]) => boolean;
}

/**
 * Reads an SSE response of any dialect to its end (or until `until`), decoding frames with the
 * shared decoder but checking nothing about their content: the caller asserts the dialect.
 * A non-SSE answer (a JSON error) is returned with no messages and its text in `raw`.
 */
export async function readRawStream(url: string, options: RawReadOptions = {}): Promise<RawStream> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: {
      accept: 'text/event-stream',
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined
      ? {}
      : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    signal: controller.signal,
  });
  const result: RawStream = {
    status: response.status,
    headers: response.headers,
    messages: [],
    data: [],
    comments: [],
    raw: '',
  };
  if (!response.body) return result;
  let stop = false;
  const decoder = createSseDecoder(
    (message) => {
      result.messages.push(message);
      result.data.push(JSON.parse(message.data) as Record<string, unknown>);
      if (options.until?.(result.messages)) stop = true;
    },
    (comment) => result.comments.push(comment),
  );
  const text = new TextDecoder();
  const reader = response.body.getReader();
  const isSse = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      result.raw += text.decode(value, { stream: true });
      if (isSse) decoder.push(value);
      if (stop) {
        controller.abort();
        break;
      }
    }
    if (isSse) decoder.flush();
  } catch (error) {
    if (!stop) throw error;
  }
  return result;
}
