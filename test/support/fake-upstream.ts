import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A loopback OpenAI Chat Completions server for tests. It writes the real streaming wire format
 * (`data: {json}\n\n` frames of `chat.completion.chunk`, then `data: [DONE]`), and can be scripted
 * to fail the ways real upstreams fail. Each request takes the next queued scenario; with none
 * queued it streams DEFAULT_TEXT.
 */

export interface FakeToolCall {
  id: string;
  name: string;
  /** Argument pieces, streamed one per fragment after a first fragment with empty arguments. */
  arguments: string[];
}

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** Something that goes wrong once `afterChunks` data frames were written. */
export type StreamFault =
  /**
   * The socket is destroyed: the client sees the connection reset mid-body. Give the scenario a
   * `delayMs`: fetch (undici) discards body data its reader has not taken yet when the connection
   * breaks, so without a pause the client may see the reset and none of the frames before it.
   */
  | { kind: 'reset'; afterChunks: number }
  /** A frame whose data is cut-off JSON, then the response ends. */
  | { kind: 'malformed'; afterChunks: number }
  /** Nothing more is written; the socket stays open until the client gives up or close(). */
  | { kind: 'stall'; afterChunks: number }
  /** `data: {"error": {...}}` as some servers send mid-stream, then the response ends. */
  | { kind: 'error-object'; afterChunks: number; message: string };

export interface StreamScenario {
  kind: 'stream';
  /** Content deltas, in order. */
  text?: string[];
  /** Streamed after the text, each call's fragments in turn (or round-robin when interleaved). */
  toolCalls?: FakeToolCall[];
  interleaveToolCalls?: boolean;
  /** Default `tool_calls` when toolCalls is non-empty, else `stop`; null sends no finish chunk. */
  finishReason?: string | null;
  /** Default {prompt_tokens: 12, completion_tokens: one per text or tool-call chunk}; `none` never reports usage. */
  usage?: FakeUsage | 'none';
  /**
   * Where usage goes when the request asked `stream_options.include_usage`: a separate chunk with
   * `choices: []` (OpenAI, the default) or `choices: null`, or on the finish chunk itself.
   */
  usagePlacement?: 'empty-choices' | 'null-choices' | 'finish-chunk';
  /** Pause before sending the response headers (to exceed the client's header timeout). */
  headersDelayMs?: number;
  /** Pause before each data frame after the first. */
  delayMs?: number;
  /** Precede each data frame with `: OPENROUTER PROCESSING` (a proxy keep-alive quirk). */
  comments?: boolean;
  fault?: StreamFault;
}

/** An HTTP error answered before any stream, with an OpenAI-style `{error: {...}}` body. */
export interface HttpErrorScenario {
  kind: 'http-error';
  status: number;
  message?: string;
  type?: string;
  /** e.g. `retry-after-ms` or `retry-after` for a 429. */
  headers?: Record<string, string>;
}

export type Scenario = StreamScenario | HttpErrorScenario;

/** How a response ended: written in full, closed by the client first, or reset by a fault. */
export type ResponseOutcome = 'completed' | 'client-closed' | 'server-reset';

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON object body; `{}` for GET or a body that is not a JSON object. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the client sent, field by field.
  body: any;
  /** Settles when the response ends; `client-closed` proves a cancel reached the upstream. */
  outcome: Promise<ResponseOutcome>;
  /** The outcome once settled, for synchronous checks. */
  settled: ResponseOutcome | undefined;
}

export interface FakeUpstream {
  /** Base URL ending in `/v1`, to pass as the client's baseURL. */
  url: string;
  enqueue(...scenarios: Scenario[]): void;
  /** Every request received, in order. */
  requests: FakeRequest[];
  /** Destroys open connections (stalled streams included) and stops listening. */
  close(): Promise<void>;
}

export const DEFAULT_TEXT = ['Hello', ' from', ' the', ' fake', ' upstream.'];
export const FAKE_MODELS = ['gpt-4o-mini', 'gpt-4o'];

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const queue: Scenario[] = [];
  const requests: FakeRequest[] = [];

  const server = createServer((req, res) => {
    const record = track(req, res);
    requests.push(record);
    readBody(req)
      .then((raw) => {
        const parsed = parseJson(raw);
        if (isObject(parsed)) record.body = parsed;
        return route(req, res, parsed, queue);
      })
      .catch(() => res.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    enqueue: (...scenarios) => queue.push(...scenarios),
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Lets a fault record `server-reset` before the socket's close would read as the client's. */
const settlers = new WeakMap<ServerResponse, (outcome: ResponseOutcome) => void>();

function track(req: IncomingMessage, res: ServerResponse): FakeRequest {
  let resolve!: (outcome: ResponseOutcome) => void;
  const record: FakeRequest = {
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: req.headers,
    body: {},
    outcome: new Promise((r) => {
      resolve = r;
    }),
    settled: undefined,
  };
  const settle = (outcome: ResponseOutcome) => {
    if (record.settled) return;
    record.settled = outcome;
    resolve(outcome);
  };
  res.on('finish', () => settle('completed'));
  res.on('close', () => settle(res.writableFinished ? 'completed' : 'client-closed'));
  settlers.set(res, settle);
  return record;
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  queue: Scenario[],
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/v1/models') {
    const data = FAKE_MODELS.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake' }));
    return sendJson(res, 200, { object: 'list', data });
  }
  if (req.method !== 'POST' || path !== '/v1/chat/completions') {
    return sendError(res, 404, `No route ${req.method} ${path}`, 'invalid_request_error');
  }
  if (!isObject(body)) {
    return sendError(res, 400, 'The request body is not valid JSON.', 'invalid_request_error');
  }
  if (body.stream !== true) {
    return sendError(res, 400, 'The fake upstream only answers streaming requests.', 'invalid_request_error');
  }
  const scenario = queue.shift() ?? { kind: 'stream', text: DEFAULT_TEXT };
  if (scenario.kind === 'http-error') {
    return sendError(
      res,
      scenario.status,
      scenario.message ?? 'The server had an error.',
      scenario.type,
      scenario.headers,
    );
  }
  const model = typeof body.model === 'string' ? body.model : 'gpt-4o-mini';
  const includeUsage = isObject(body.stream_options) && body.stream_options.include_usage === true;
  return streamScenario(res, scenario, model, includeUsage);
}

/** Builds the chunk objects of a scenario, exactly as OpenAI orders them. */
export function scenarioChunks(scenario: StreamScenario, model: string, includeUsage: boolean): unknown[] {
  const id = 'chatcmpl-fake';
  const created = 1_700_000_000;
  const chunk = (choices: unknown[] | null, extra: Record<string, unknown> = {}) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    system_fingerprint: 'fp_fake',
    choices,
    ...extra,
  });
  const delta = (d: Record<string, unknown>, finish: string | null = null) => ({
    index: 0,
    delta: d,
    logprobs: null,
    finish_reason: finish,
  });

  const chunks: Record<string, unknown>[] = [
    chunk([delta({ role: 'assistant', content: '', refusal: null })]),
  ];
  for (const text of scenario.text ?? []) chunks.push(chunk([delta({ content: text })]));
  for (const fragment of toolCallFragments(scenario.toolCalls ?? [], scenario.interleaveToolCalls ?? false)) {
    chunks.push(chunk([delta({ tool_calls: [fragment] })]));
  }

  const calls = scenario.toolCalls?.length ?? 0;
  const finishReason =
    scenario.finishReason === undefined ? (calls > 0 ? 'tool_calls' : 'stop') : scenario.finishReason;
  const usage =
    scenario.usage === 'none' || !includeUsage
      ? undefined
      : withTotal(scenario.usage ?? { prompt_tokens: 12, completion_tokens: chunks.length - 1 });
  const placement = scenario.usagePlacement ?? 'empty-choices';

  if (finishReason !== null) {
    const extra = usage && placement === 'finish-chunk' ? { usage } : {};
    chunks.push(chunk([delta({}, finishReason)], extra));
  }
  if (usage && placement !== 'finish-chunk') {
    chunks.push(chunk(placement === 'null-choices' ? null : [], { usage }));
  }
  return chunks;
}

function withTotal(usage: FakeUsage) {
  return { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
}

/** First fragment: index, id, type, name, empty arguments; then index plus an arguments piece. */
function toolCallFragments(calls: FakeToolCall[], interleave: boolean): unknown[] {
  const perCall = calls.map((call, index) => [
    { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
    ...call.arguments.map((piece) => ({ index, function: { arguments: piece } })),
  ]);
  if (!interleave) return perCall.flat();
  const out: unknown[] = [];
  for (let round = 0; perCall.some((fragments) => round < fragments.length); round++) {
    for (const fragments of perCall) if (round < fragments.length) out.push(fragments[round]);
  }
  return out;
}

async function streamScenario(
  res: ServerResponse,
  scenario: StreamScenario,
  model: string,
  includeUsage: boolean,
): Promise<void> {
  const closed = new AbortController();
  res.on('close', () => closed.abort());
  if (scenario.headersDelayMs) {
    const slept = await sleep(scenario.headersDelayMs, true, { signal: closed.signal }).catch(() => false);
    if (!slept) return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  res.flushHeaders();

  const frames = scenarioChunks(scenario, model, includeUsage).map((c) => `data: ${JSON.stringify(c)}\n\n`);
  frames.push('data: [DONE]\n\n');
  const fault = scenario.fault;

  // A fault takes the place of frame `afterChunks`, after the same pause a frame would have.
  for (let i = 0; i < frames.length; i++) {
    if (i > 0 && scenario.delayMs) {
      const slept = await sleep(scenario.delayMs, true, { signal: closed.signal }).catch(() => false);
      if (!slept) return;
    }
    if (res.destroyed) return;
    if (fault && i === fault.afterChunks) return applyFault(res, fault, closed.signal);
    if (scenario.comments) res.write(': OPENROUTER PROCESSING\n\n');
    res.write(frames[i] as string);
  }
  if (fault && fault.afterChunks >= frames.length) return applyFault(res, fault, closed.signal);
  res.end();
}

async function applyFault(res: ServerResponse, fault: StreamFault, closed: AbortSignal): Promise<void> {
  switch (fault.kind) {
    case 'reset': {
      settlers.get(res)?.('server-reset');
      const socket = res.socket;
      // The frames before the fault leave first, as they would from a server that then died.
      if (socket && socket.writableLength > 0) await once(socket, 'drain');
      socket?.destroy();
      return;
    }
    case 'malformed':
      res.end('data: {"id": "x", "choices": [\n\n');
      return;
    case 'error-object':
      res.end(
        `data: ${JSON.stringify({ error: { message: fault.message, type: 'server_error', code: null } })}\n\n`,
      );
      return;
    case 'stall':
      if (!closed.aborted) await once(closed, 'abort');
      return;
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  type = 'server_error',
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { message, type, param: null, code: null } }, headers);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
