import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { CanonicalEvent } from '../protocol/index.ts';
import { GoneError, ProtocolError, StreamInterruptedError } from './errors.ts';
import { SluiceClient } from './sluice-client.ts';

/**
 * The SDK's stream rules against a scripted SSE server (real HTTP on loopback) that sends exact
 * frames, including ones the real server only sends under load (slow_consumer) or never (gaps).
 */

const RUN = '0193a000-0000-7000-8000-00000000aaaa';
const SESSION = '0193a000-0000-7000-8000-00000000bbbb';

function event(seq: number, last: number): CanonicalEvent {
  const envelope = {
    seq,
    run_id: RUN,
    session_id: SESSION,
    timestamp: new Date(0).toISOString(),
    metadata: {},
  };
  if (seq === 1) {
    return {
      event_type: 'conversation_start',
      ...envelope,
      data: { user_input: 'hi', agent_id: 'assistant', language: 'en', model: 'demo' },
    };
  }
  if (seq === last) {
    return {
      event_type: 'conversation_end',
      ...envelope,
      data: {
        success: true,
        execution_time: 0.1,
        new_messages_count: 1,
        status: 'completed',
        usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2, total_cost: 0 },
      },
    };
  }
  return {
    event_type: 'assistant_message_chunk',
    ...envelope,
    data: {
      content: `c${seq} `,
      is_complete: false,
      chunk_index: seq - 2,
      total_chunks: null,
      message_id: 'm1',
    },
  };
}

function frame(e: CanonicalEvent): string {
  return `id: ${e.seq}\nevent: ${e.event_type}\ndata: ${JSON.stringify(e)}\n\n`;
}

const slowConsumer = (lastEventId: number) =>
  `event: error\ndata: ${JSON.stringify({
    event_type: 'error',
    data: {
      error_message: 'behind',
      error_details: { last_event_id: lastEventId },
      code: 'slow_consumer',
      retryable: true,
    },
  })}\n\n`;

type Script = (request: IncomingMessage, response: ServerResponse, call: number) => void;

function sse(response: ServerResponse, headers: Record<string, string> = {}): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', ...headers });
  response.write('retry: 1\n\n');
}

describe('RunStream against a scripted server', () => {
  let server: Server;
  let url: string;
  let script: Script = () => {};
  let calls: { method: string; url: string; lastEventId: string | undefined }[] = [];

  before(async () => {
    server = createServer((request, response) => {
      calls.push({
        method: request.method ?? '',
        url: request.url ?? '',
        lastEventId: request.headers['last-event-id'] as string | undefined,
      });
      request.resume();
      request.on('end', () => script(request, response, calls.length));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function client(): SluiceClient {
    calls = [];
    return new SluiceClient({ baseUrl: url, retry: { initialDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 } });
  }

  const ids = { 'x-sluice-run-id': RUN, 'x-sluice-session-id': SESSION };

  test('a slow_consumer notice resumes after the last event received; repeats are dropped', async () => {
    const sdk = client();
    script = (_request, response, call) => {
      sse(response, ids);
      if (call === 1) {
        response.end([1, 2, 3].map((s) => frame(event(s, 6))).join('') + slowConsumer(3));
      } else {
        // The resume overlaps what was already delivered: 2 and 3 come again.
        response.end([2, 3, 4, 5, 6].map((s) => frame(event(s, 6))).join(''));
      }
    };
    const stream = await sdk.startRun(SESSION, { message: 'hi' });
    const result = await stream.result();
    assert.deepEqual(
      result.events.map((e) => e.seq),
      [1, 2, 3, 4, 5, 6],
    );
    assert.equal(result.text, 'c2 c3 c4 c5 ');
    assert.equal(result.status, 'completed');
    assert.deepEqual(
      calls.map((c) => [c.method, c.url.split('?')[0], c.lastEventId]),
      [
        ['POST', `/api/sessions/${SESSION}/runs`, undefined],
        ['GET', `/api/runs/${RUN}/events`, '3'],
      ],
    );
  });

  test('a body that ends early is resumed; a body that ends after conversation_end is not', async () => {
    const sdk = client();
    script = (_request, response, call) => {
      sse(response, ids);
      const seqs = call === 1 ? [1, 2] : call === 2 ? [] : [3, 4];
      response.end(seqs.map((s) => frame(event(s, 4))).join(''));
    };
    const stream = await sdk.joinRun(RUN);
    const result = await stream.result();
    assert.deepEqual(
      result.events.map((e) => e.seq),
      [1, 2, 3, 4],
    );
    assert.deepEqual(
      calls.map((c) => c.lastEventId),
      ['0', '2', '2'],
    );
  });

  test('without the id headers (hidden by CORS), the ids come from the first event', async () => {
    const sdk = client();
    script = (_request, response) => {
      sse(response);
      response.end([1, 2, 3].map((s) => frame(event(s, 3))).join(''));
    };
    const stream = await sdk.startRun(SESSION, { message: 'hi' });
    assert.equal(stream.runId, RUN);
    assert.equal(stream.sessionId, SESSION);
    const joined = await sdk.joinRun(RUN);
    assert.equal(joined.sessionId, SESSION);
    joined.close();
    const seqs: number[] = [];
    for await (const e of stream) seqs.push(e.seq);
    assert.deepEqual(seqs, [1, 2, 3]);
  });

  test('a gap in seq is a ProtocolError', async () => {
    const sdk = client();
    script = (_request, response) => {
      sse(response, ids);
      response.end([1, 2, 4, 5].map((s) => frame(event(s, 5))).join(''));
    };
    const stream = await sdk.joinRun(RUN);
    await assert.rejects(stream.result(), (error: unknown) => {
      assert.ok(error instanceof ProtocolError);
      assert.match(error.message, /events 3 to 3 are missing/);
      return true;
    });
  });

  test('an event that breaks the schema, or a frame id unlike its seq, is a ProtocolError', async () => {
    for (const bad of [
      `id: 1\nevent: conversation_start\ndata: {"event_type":"conversation_start","seq":1}\n\n`,
      `id: 1\nevent: x\ndata: not json\n\n`,
      frame(event(1, 3)).replace('id: 1', 'id: 7'),
    ]) {
      const sdk = client();
      script = (_request, response) => {
        sse(response, ids);
        response.end(bad);
      };
      const stream = await sdk.joinRun(RUN);
      await assert.rejects(stream.result(), ProtocolError);
    }
  });

  test('a resume answered 503 is retried; one answered 410 ends the stream with GoneError', async () => {
    const sdk = client();
    script = (_request, response, call) => {
      if (call === 1) {
        sse(response, ids);
        response.end(frame(event(1, 9)));
      } else if (call === 2) {
        response.writeHead(503, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 'shutting_down', message: 'bye', details: null } }));
      } else {
        response.writeHead(410, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 'run_log_expired', message: 'gone', details: null } }));
      }
    };
    const stream = await sdk.joinRun(RUN);
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const e of stream) seen.push(e.seq);
      })(),
      (error: unknown) => error instanceof GoneError && error.code === 'run_log_expired',
    );
    assert.deepEqual(seen, [1]);
    assert.equal(calls.length, 3);
  });

  test('resumes that bring nothing new count against maxAttempts; ones that bring events reset it', async () => {
    const sdk = client();
    // Each connection brings one new event then drops, eight times: more drops than maxAttempts
    // (3), yet the stream completes, because every resume made progress.
    script = (_request, response, call) => {
      sse(response, ids);
      response.end(frame(event(call, 9)));
    };
    const stream = await sdk.joinRun(RUN);
    const result = await stream.result();
    assert.equal(result.events.length, 9);

    const stuck = client();
    script = (_request, response, call) => {
      sse(response, ids);
      response.end(call === 1 ? frame(event(1, 9)) : '');
    };
    const stalled = await stuck.joinRun(RUN);
    await assert.rejects(stalled.result(), (error: unknown) => {
      assert.ok(error instanceof StreamInterruptedError);
      assert.equal(error.attempts, 3);
      assert.equal(error.lastEventId, 1);
      return true;
    });
    assert.equal(calls.length, 4);
  });
});
