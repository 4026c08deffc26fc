import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import type { StreamActivity } from './activity.ts';
import { SluiceClient } from './sluice-client.ts';

/**
 * `onActivity` against a scripted SSE server on loopback: the first connection sends a heartbeat
 * and two events, then drops; the resume repeats event 2 and ends the run.
 */
const RUN = '0193a000-0000-7000-8000-00000000cccc';
const SESSION = '0193a000-0000-7000-8000-00000000dddd';

function frame(seq: number, type: string, data: unknown): string {
  const event = {
    event_type: type,
    seq,
    run_id: RUN,
    session_id: SESSION,
    timestamp: new Date(0).toISOString(),
    metadata: {},
    data,
  };
  return `id: ${seq}\nevent: ${type}\ndata: ${JSON.stringify(event)}\n\n`;
}

const start = frame(1, 'conversation_start', {
  user_input: 'hi',
  agent_id: 'assistant',
  language: 'en',
  model: 'demo',
});
const status = frame(2, 'processing_status', { status_message: 'thinking', progress_info: { stage: 'x' } });
const end = frame(3, 'conversation_end', {
  success: true,
  execution_time: 0.1,
  new_messages_count: 0,
  status: 'completed',
  usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2, total_cost: 0 },
});

let server: Server;
let url: string;
const lastEventIds: (string | undefined)[] = [];

before(async () => {
  server = createServer((request, response) => {
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'x-sluice-run-id': RUN,
      'x-sluice-session-id': SESSION,
    });
    if (request.method === 'POST') {
      response.end(`: heartbeat\n\n${start}${status}`);
      return;
    }
    lastEventIds.push(request.headers['last-event-id'] as string | undefined);
    response.end(status + end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('onActivity sees comments, every raw frame (repeats too) and each reconnection', async () => {
  const sdk = new SluiceClient({ baseUrl: url, retry: { initialDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 } });
  const seen: StreamActivity[] = [];
  const stream = await sdk.startRun(
    SESSION,
    { message: 'hi' },
    {
      onActivity: (activity) => {
        seen.push(activity);
        if (activity.kind === 'comment') throw new Error('an observer that throws is ignored');
      },
    },
  );
  const seqs: number[] = [];
  for await (const event of stream) seqs.push(event.seq);
  assert.deepEqual(seqs, [1, 2, 3], 'the iterator is unchanged: each event once');
  assert.deepEqual(lastEventIds, ['2']);
  assert.deepEqual(
    seen.map((activity) =>
      activity.kind === 'frame'
        ? `frame ${activity.id} ${activity.event}`
        : activity.kind === 'comment'
          ? `comment ${activity.text}`
          : `reconnecting ${activity.attempt} after ${activity.after}`,
    ),
    [
      'comment heartbeat',
      'frame 1 conversation_start',
      'frame 2 processing_status',
      'reconnecting 1 after 2',
      'frame 2 processing_status',
      'frame 3 conversation_end',
    ],
  );
});
