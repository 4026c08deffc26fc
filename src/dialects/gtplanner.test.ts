import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LogEntry } from '../bus/index.ts';
import type { CanonicalEvent, EventData, EventType } from '../protocol/index.ts';
import { createSseDecoder, type SseMessage } from '../sse/index.ts';
import {
  agentContextRequestSchema,
  BUFFER_MAX_CHARS,
  BUFFER_MAX_CHUNKS,
  type GtplannerStreamOptions,
  gtplannerDialect,
} from './gtplanner.ts';

const T0 = Date.parse('2026-11-21T10:00:00.000Z');

function setup(overrides: Partial<GtplannerStreamOptions> = {}) {
  let clock = T0;
  const dialect = gtplannerDialect({
    sessionId: 'test_session',
    runId: 'run-1',
    agentId: 'planner',
    model: 'demo',
    language: 'zh',
    includeMetadata: false,
    bufferEvents: false,
    heartbeatInterval: 30,
    version: '9.9.9',
    context: { dialogue_history_length: 1, is_compressed: false },
    now: () => new Date(clock),
    ...overrides,
  });
  return { dialect, advance: (ms: number) => (clock += ms) };
}

let seq = 0;
function entry<T extends EventType>(
  type: T,
  data: EventData<T>,
  metadata: Record<string, unknown> = {},
): LogEntry {
  seq++;
  const event = {
    event_type: type,
    seq,
    run_id: 'run-1',
    session_id: 'sluice-session',
    timestamp: `2026-11-21T10:00:00.${String(seq).padStart(3, '0')}Z`,
    data,
    metadata,
  } as CanonicalEvent;
  return { seq, event, json: JSON.stringify(event) };
}

function chunk(index: number, content: string): LogEntry {
  return entry('assistant_message_chunk', {
    content,
    is_complete: false,
    chunk_index: index,
    total_chunks: null,
    message_id: 'm1',
  });
}

const usage = { input_tokens: 10, output_tokens: 5, total_tokens: 15, total_cost: 0 };

function decode(text: string): SseMessage[] {
  const messages: SseMessage[] = [];
  const decoder = createSseDecoder((message) => messages.push(message));
  decoder.push(new TextEncoder().encode(text));
  decoder.flush();
  return messages;
}

describe('GTPlanner dialect: frames', () => {
  test('connection comes first, with retry, the client session id, config and server info', () => {
    const { dialect } = setup();
    assert.equal(
      dialect.open(),
      'event: connection\nretry: 3000\ndata: {"status":"connected","timestamp":"2026-11-21T10:00:00.000Z",' +
        '"session_id":"test_session","config":{"include_metadata":false,"buffer_events":false,' +
        '"heartbeat_interval":30,"language":"zh"},"server_info":{"name":"sluice","version":"9.9.9",' +
        '"dialect":"gtplanner","features":["streaming","heartbeat","metadata","buffer_events","resume"]},' +
        '"run_id":"run-1","events_url":"/api/runs/run-1/events"}\n\n',
    );
  });

  test("an event: id is seq, event is event_type, data is GTPlanner's event with the client session id", () => {
    seq = 0;
    const { dialect } = setup();
    const start = entry('conversation_start', {
      user_input: '帮我设计一个在线购物系统',
      agent_id: 'planner',
      language: 'zh',
      model: 'demo',
    });
    assert.equal(
      dialect.encode(start),
      'id: 1\nevent: conversation_start\ndata: {"event_type":"conversation_start",' +
        '"timestamp":"2026-11-21T10:00:00.001Z","session_id":"test_session","data":{"user_input":' +
        '"帮我设计一个在线购物系统","agent_id":"planner","language":"zh","model":"demo"},"metadata":{},' +
        '"seq":1,"run_id":"run-1"}\n\n',
    );
  });

  test('include_metadata: metadata carries the run details; without it, metadata is {}', () => {
    seq = 0;
    const { dialect, advance } = setup({ includeMetadata: true });
    advance(250);
    const frame = decode(
      dialect.encode(
        entry(
          'processing_status',
          {
            status_message: '思考中（第 1 步）…',
            progress_info: { stage: 'llm_step', step: 1 },
          },
          { source: 'agent' },
        ),
      ),
    )[0];
    const event = JSON.parse(frame?.data ?? '{}') as { metadata: unknown; session_id: string };
    assert.equal(event.session_id, 'test_session');
    assert.deepEqual(event.metadata, {
      event_index: 1,
      processing_time: 0.25,
      run_id: 'run-1',
      seq: 1,
      sluice_session_id: 'sluice-session',
      agent_id: 'planner',
      model: 'demo',
      language: 'zh',
      original_metadata: { source: 'agent' },
    });

    seq = 0;
    const plain = setup().dialect;
    const bare = decode(
      plain.encode(
        entry(
          'processing_status',
          {
            status_message: 'x',
            progress_info: { stage: 'llm_step' },
          },
          { source: 'agent' },
        ),
      ),
    )[0];
    assert.deepEqual((JSON.parse(bare?.data ?? '{}') as { metadata: unknown }).metadata, {});
  });

  test('heartbeat: an event with valid JSON data, no id, counted', () => {
    seq = 0;
    const { dialect, advance } = setup();
    dialect.encode(
      entry('conversation_start', { user_input: 'x', agent_id: 'planner', language: 'zh', model: 'demo' }),
    );
    advance(30_000);
    const beat = dialect.heartbeat();
    assert.equal(
      beat,
      'event: heartbeat\ndata: {"timestamp":"2026-11-21T10:00:30.000Z","session_id":"test_session",' +
        '"session_duration":30,"event_count":1}\n\n',
    );
    const [message] = decode(beat);
    assert.equal(message?.id, undefined);
    assert.doesNotThrow(() => JSON.parse(message?.data ?? ''));
    assert.equal(dialect.statistics().heartbeats_sent, 1);
  });

  test('complete (result and statistics) and close come last, after conversation_end', () => {
    seq = 0;
    const { dialect, advance } = setup();
    dialect.open();
    dialect.encode(
      entry('conversation_start', { user_input: '设计', agent_id: 'planner', language: 'zh', model: 'demo' }),
    );
    dialect.encode(
      entry('tool_call_start', {
        tool_name: 'design',
        status: 'starting',
        call_id: 'c1',
        progress_message: '…',
        arguments: {},
      }),
    );
    const newMessage = { role: 'assistant' as const, content: '完成', timestamp: '2026-11-21T10:00:01.000Z' };
    dialect.encode(
      entry('conversation_end', {
        success: true,
        execution_time: 1.5,
        new_messages_count: 1,
        tool_execution_results_updates: { design: { title: 'T' } },
        new_messages: [newMessage],
        status: 'completed',
        usage,
      }),
    );
    advance(2000);
    const tail = dialect.close();
    assert.equal(
      tail,
      'event: complete\ndata: {"status":"completed","timestamp":"2026-11-21T10:00:02.000Z",' +
        '"session_id":"test_session","result":{"success":true,"session_id":"test_session",' +
        '"user_input":"设计","new_messages_count":1,"tool_execution_results_updates":{"design":{"title":"T"}},' +
        '"error":null,"metadata":{},"status":"completed","run_id":"run-1","execution_time":1.5,' +
        '"usage":{"input_tokens":10,"output_tokens":5,"total_tokens":15,"total_cost":0}},' +
        '"statistics":{"total_events":3,"frames_sent":4,"event_counts":{"conversation_start":1,' +
        '"tool_call_start":1,"conversation_end":1},"heartbeats_sent":0,"merged_chunks":0,' +
        '"session_duration":2,"last_seq":3}}\n\n' +
        'event: close\ndata: {"status":"closing","message":"流式响应已成功完成",' +
        '"timestamp":"2026-11-21T10:00:02.000Z","session_id":"test_session",' +
        '"final_statistics":{"total_events":3,"session_duration":2}}\n\n',
    );
    // The library's summary keeps the new messages that complete leaves to conversation_end.
    assert.deepEqual(dialect.summary().new_messages, [newMessage]);
  });

  test('a failed run: success false and the last error message in the result', () => {
    seq = 0;
    const { dialect } = setup({ language: 'en', includeMetadata: true });
    dialect.encode(
      entry('conversation_start', { user_input: 'x', agent_id: 'planner', language: 'en', model: 'demo' }),
    );
    dialect.encode(
      entry('error', {
        error_message: 'The model failed.',
        error_details: null,
        code: 'upstream_error',
        retryable: true,
      }),
    );
    dialect.encode(
      entry('conversation_end', {
        success: false,
        execution_time: 0.1,
        new_messages_count: 0,
        status: 'failed',
        usage,
      }),
    );
    const summary = dialect.summary();
    assert.equal(summary.success, false);
    assert.equal(summary.error, 'The model failed.');
    assert.equal(summary.status, 'failed');
    assert.deepEqual(summary.metadata, {
      include_metadata: true,
      buffer_events: false,
      heartbeat_interval: 30,
      context_compressed: false,
      dialogue_history_length: 1,
      tool_updates_count: 0,
    });
    const [complete, close] = decode(dialect.close());
    assert.equal(complete?.event, 'complete');
    assert.equal(close?.event, 'close');
    assert.match(JSON.parse(close?.data ?? '{}').message, /^Stream completed successfully$/);
  });
});

describe('GTPlanner dialect: buffer_events', () => {
  test(`batches up to ${BUFFER_MAX_CHUNKS} chunks per frame and flushes on any other event`, () => {
    seq = 0;
    const { dialect } = setup({ bufferEvents: true });
    const out: string[] = [];
    for (let i = 0; i < BUFFER_MAX_CHUNKS + 4; i++) out.push(dialect.encode(chunk(i, `c${i} `)));
    // Nothing until the batch is full; then one frame for the first 16.
    assert.deepEqual(
      out.map((f) => f !== ''),
      Array.from({ length: BUFFER_MAX_CHUNKS + 4 }, (_, i) => i === BUFFER_MAX_CHUNKS - 1),
    );
    const [first] = decode(out[BUFFER_MAX_CHUNKS - 1] ?? '');
    assert.equal(first?.event, 'assistant_message_chunk');
    assert.equal(first?.id, String(BUFFER_MAX_CHUNKS), 'the id is the seq of the last chunk in the batch');
    const batch = JSON.parse(first?.data ?? '{}') as {
      seq: number;
      first_seq: number;
      data: { content: string; chunk_index: number; chunk_count: number; is_complete: boolean };
    };
    assert.equal(batch.data.content, Array.from({ length: BUFFER_MAX_CHUNKS }, (_, i) => `c${i} `).join(''));
    assert.equal(batch.data.chunk_index, 0);
    assert.equal(batch.data.chunk_count, BUFFER_MAX_CHUNKS);
    assert.equal(batch.data.is_complete, false);
    assert.deepEqual([batch.first_seq, batch.seq], [1, BUFFER_MAX_CHUNKS]);

    // The message end flushes the last four chunks first, then goes out itself.
    const end = decode(
      dialect.encode(
        entry('assistant_message_end', {
          complete_message: 'all',
          message_metadata: { finish_reason: 'stop', model: 'demo' },
          message_id: 'm1',
        }),
      ),
    );
    assert.deepEqual(
      end.map((m) => m.event),
      ['assistant_message_chunk', 'assistant_message_end'],
    );
    const rest = JSON.parse(end[0]?.data ?? '{}') as { data: { content: string; chunk_index: number } };
    assert.equal(rest.data.content, 'c16 c17 c18 c19 ');
    assert.equal(rest.data.chunk_index, BUFFER_MAX_CHUNKS);
    assert.equal(dialect.statistics().merged_chunks, BUFFER_MAX_CHUNKS - 1 + 3);
  });

  test(`flushes once the batch holds ${BUFFER_MAX_CHARS} characters`, () => {
    seq = 0;
    const { dialect } = setup({ bufferEvents: true });
    const big = 'x'.repeat(BUFFER_MAX_CHARS / 2);
    assert.equal(dialect.encode(chunk(0, big)), '');
    const [frame] = decode(dialect.encode(chunk(1, big)));
    assert.equal((JSON.parse(frame?.data ?? '{}') as { data: { content: string } }).data.content, big + big);
  });

  test('a heartbeat and the close flush waiting chunks, so no text is held back', () => {
    seq = 0;
    const { dialect } = setup({ bufferEvents: true });
    dialect.encode(chunk(0, 'a'));
    assert.deepEqual(
      decode(dialect.heartbeat()).map((m) => m.event),
      ['assistant_message_chunk', 'heartbeat'],
    );
    dialect.encode(chunk(1, 'b'));
    const tail = decode(dialect.close());
    assert.deepEqual(
      tail.map((m) => m.event),
      ['assistant_message_chunk', 'complete', 'close'],
    );
    // A batch of one is the chunk as it was.
    assert.equal(
      (JSON.parse(tail[0]?.data ?? '{}') as { data: Record<string, unknown> }).data.chunk_count,
      undefined,
    );
  });

  test('without buffer_events every chunk is its own frame', () => {
    seq = 0;
    const { dialect } = setup();
    for (let i = 0; i < 3; i++) assert.equal(decode(dialect.encode(chunk(i, 'z'))).length, 1);
  });
});

describe('GTPlanner request schema', () => {
  test("the document's JavaScript example parses, with GTPlanner's defaults", () => {
    const body = agentContextRequestSchema.parse({
      session_id: 'test_session',
      dialogue_history: [
        { role: 'user', content: '帮我设计一个在线购物系统', timestamp: '2026-11-21T10:00:00.000Z' },
      ],
      tool_execution_results: {},
      session_metadata: { language: 'zh' },
      include_metadata: true,
      buffer_events: false,
      heartbeat_interval: 30.0,
    });
    assert.equal(body.is_compressed, false);
    assert.equal(body.heartbeat_interval, 30);
    const minimal = agentContextRequestSchema.parse({
      session_id: 's',
      dialogue_history: [{ role: 'user', content: 'hi' }],
      unknown_field: 1,
    });
    assert.deepEqual(
      {
        tool_execution_results: minimal.tool_execution_results,
        session_metadata: minimal.session_metadata,
        is_compressed: minimal.is_compressed,
        include_metadata: minimal.include_metadata,
        buffer_events: minimal.buffer_events,
        heartbeat_interval: minimal.heartbeat_interval,
      },
      {
        tool_execution_results: {},
        session_metadata: {},
        is_compressed: false,
        include_metadata: false,
        buffer_events: false,
        heartbeat_interval: 30,
      },
    );
    assert.equal('unknown_field' in minimal, false);
  });

  test('tool calls in OpenAI shape and in Sluice shape are both accepted; arguments become a string', () => {
    const body = agentContextRequestSchema.parse({
      session_id: 's',
      dialogue_history: [
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'a', type: 'function', function: { name: 'design', arguments: { mode: 'quick' } } },
            { id: 'b', name: 'short_planning', arguments: '{"steps":[]}' },
          ],
        },
      ],
    });
    const calls = body.dialogue_history[0]?.tool_calls ?? [];
    assert.equal('function' in calls[0]! ? calls[0].function.arguments : '', '{"mode":"quick"}');
    assert.equal('name' in calls[1]! ? calls[1].arguments : '', '{"steps":[]}');
  });

  for (const [name, body] of [
    ['missing session_id', { dialogue_history: [{ role: 'user', content: 'x' }] }],
    ['empty session_id', { session_id: ' ', dialogue_history: [{ role: 'user', content: 'x' }] }],
    ['session_id a number', { session_id: 7, dialogue_history: [{ role: 'user', content: 'x' }] }],
    ['dialogue_history not a list', { session_id: 's', dialogue_history: 'hi' }],
    ['empty dialogue_history', { session_id: 's', dialogue_history: [] }],
    ['unknown role', { session_id: 's', dialogue_history: [{ role: 'robot', content: 'x' }] }],
    [
      'include_metadata a string',
      { session_id: 's', dialogue_history: [{ role: 'user', content: 'x' }], include_metadata: 'yes' },
    ],
    [
      'heartbeat_interval 0',
      { session_id: 's', dialogue_history: [{ role: 'user', content: 'x' }], heartbeat_interval: 0 },
    ],
    [
      'tool_execution_results a list',
      { session_id: 's', dialogue_history: [{ role: 'user', content: 'x' }], tool_execution_results: [] },
    ],
  ] as const) {
    test(`rejects ${name}`, () => {
      assert.equal(agentContextRequestSchema.safeParse(body).success, false);
    });
  }
});
