import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  canonicalEventSchema,
  EVENT_TYPES,
  type EventData,
  type EventType,
  eventDataSchemas,
} from './events.ts';

const RUN_ID = '0193a3c2-7b1e-7c4a-9f00-5d2e8b6a1c01';
const SESSION_ID = '0193a3c2-6f00-7d4b-8e11-2a9c4d7e5f02';
const MESSAGE_ID = '0193a3c2-7b20-7e5f-8a22-3b0d5e8f6a03';
const USAGE = { input_tokens: 42, output_tokens: 17, total_tokens: 59, total_cost: 0.000118 };

/** One valid `data` per event type; the mapped type makes a missing example a compile error. */
const examples: { [T in EventType]: EventData<T> } = {
  conversation_start: { user_input: 'what is 17*23?', agent_id: 'assistant', language: 'en', model: 'demo' },
  assistant_message_start: { message_id: MESSAGE_ID },
  assistant_message_chunk: {
    content: '17*23 = ',
    is_complete: false,
    chunk_index: 0,
    total_chunks: null,
    message_id: MESSAGE_ID,
  },
  assistant_message_end: {
    complete_message: '17*23 = 391.',
    message_metadata: {
      tool_calls: [{ id: 'call_1', name: 'calculator', arguments: '{"expression":"17*23"}' }],
      finish_reason: 'stop',
      usage: USAGE,
      model: 'demo',
    },
    message_id: MESSAGE_ID,
  },
  tool_call_start: {
    tool_name: 'calculator',
    status: 'starting',
    call_id: 'call_1',
    progress_message: 'Calling calculator…',
    arguments: { expression: '17*23' },
  },
  tool_call_progress: {
    tool_name: 'calculator',
    status: 'running',
    call_id: 'call_1',
    progress_message: 'Evaluating 17*23',
    progress: 0.5,
  },
  tool_call_end: {
    tool_name: 'calculator',
    status: 'completed',
    call_id: 'call_1',
    result: { value: 391 },
    execution_time: 0.012,
    error_message: null,
  },
  processing_status: { status_message: 'Thinking (step 1)…', progress_info: { stage: 'llm_step', step: 1 } },
  design_document_generated: {
    filename: 'design.md',
    content: '# Design\n\nA shop with a cart.',
    document_id: '0193a3c2-8000-7a6b-9c33-4c1e6f907b04',
    format: 'markdown',
  },
  error: {
    error_message: 'The language model service did not answer within 60 seconds.',
    error_details: { seconds: 60 },
    code: 'upstream_timeout',
    retryable: true,
  },
  conversation_end: {
    success: true,
    execution_time: 1.42,
    new_messages_count: 2,
    tool_execution_results_updates: { call_1: { value: 391 } },
    status: 'completed',
    usage: USAGE,
  },
};

/** Top-level `data` fields that may be left out; every other field of an example is required. */
const OPTIONAL_FIELDS: Partial<Record<EventType, string[]>> = {
  conversation_end: ['tool_execution_results_updates'],
};

function event(type: string, data: unknown): Record<string, unknown> {
  return {
    event_type: type,
    seq: 7,
    run_id: RUN_ID,
    session_id: SESSION_ID,
    timestamp: '2026-11-21T10:00:00.000Z',
    data,
    metadata: {},
  };
}

function without(record: object, key: string): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...record };
  delete copy[key];
  return copy;
}

function requiredFields(type: EventType): string[] {
  return Object.keys(examples[type]).filter((key) => !OPTIONAL_FIELDS[type]?.includes(key));
}

function parses(value: unknown): boolean {
  return canonicalEventSchema.safeParse(value).success;
}

describe('event vocabulary', () => {
  test('EVENT_TYPES, the data schemas and the union list the same types in the same order', () => {
    assert.deepEqual(EVENT_TYPES, Object.keys(eventDataSchemas));
    const unionTypes = canonicalEventSchema.options.map((option) => option.shape.event_type.value);
    assert.deepEqual(unionTypes, EVENT_TYPES);
  });

  test('the GTPlanner vocabulary is all there', () => {
    for (const type of [
      'conversation_start',
      'assistant_message_start',
      'assistant_message_chunk',
      'assistant_message_end',
      'tool_call_start',
      'tool_call_progress',
      'tool_call_end',
      'processing_status',
      'design_document_generated',
      'error',
      'conversation_end',
    ]) {
      assert.ok((EVENT_TYPES as string[]).includes(type), type);
    }
  });
});

describe('valid events parse', () => {
  for (const type of EVENT_TYPES) {
    test(type, () => {
      const input = event(type, examples[type]);
      const result = canonicalEventSchema.safeParse(input);
      assert.ok(result.success, result.error?.message);
      // Nothing is dropped or rewritten, and the event survives the JSON of the wire.
      assert.deepEqual(result.data, input);
      assert.deepEqual(canonicalEventSchema.parse(JSON.parse(JSON.stringify(input))), input);
    });
  }

  test('fields a newer server adds do not break parsing (the protocol grows by adding fields)', () => {
    const input = event('tool_call_end', { ...examples.tool_call_end, shard: 3 });
    assert.ok(parses({ ...input, trace_id: 'abc' }));
  });

  test('processing_status keeps extra progress_info keys', () => {
    const parsed = canonicalEventSchema.parse(event('processing_status', examples.processing_status));
    assert.deepEqual(parsed.data, {
      status_message: 'Thinking (step 1)…',
      progress_info: { stage: 'llm_step', step: 1 },
    });
  });

  test('nullable fields accept null', () => {
    assert.ok(parses(event('tool_call_progress', { ...examples.tool_call_progress, progress: null })));
    assert.ok(parses(event('error', { ...examples.error, error_details: null })));
    const failed = {
      ...examples.tool_call_end,
      status: 'failed',
      result: null,
      error_message: 'division by zero',
    };
    assert.ok(parses(event('tool_call_end', failed)));
  });

  test('optional fields may be left out', () => {
    for (const [type, fields] of Object.entries(OPTIONAL_FIELDS)) {
      for (const field of fields) assert.ok(parses(event(type, without(examples[type as EventType], field))));
    }
    const metadata = examples.assistant_message_end.message_metadata;
    const bare = { finish_reason: metadata.finish_reason, model: metadata.model };
    assert.ok(
      parses(event('assistant_message_end', { ...examples.assistant_message_end, message_metadata: bare })),
    );
  });
});

describe('wrong event_type and data combinations fail', () => {
  for (const type of EVENT_TYPES) {
    test(`${type} with another type's data`, () => {
      let rejected = 0;
      for (const other of EVENT_TYPES) {
        if (other === type) continue;
        const otherData = examples[other];
        // Data that happens to hold every required field of `type` is a valid `type` event with
        // extra fields; every other combination must fail.
        if (requiredFields(type).every((key) => key in otherData)) continue;
        assert.equal(parses(event(type, otherData)), false, `${type} accepted ${other} data`);
        rejected += 1;
      }
      assert.ok(rejected >= EVENT_TYPES.length - 3, `${type} rejected only ${rejected} other types`);
    });
  }

  test('an unknown event_type fails', () => {
    assert.equal(parses(event('heartbeat', {})), false);
    assert.equal(parses(event('Conversation_Start', examples.conversation_start)), false);
  });

  const badValues: [EventType, Record<string, unknown>][] = [
    ['conversation_start', { language: 'de' }],
    ['assistant_message_chunk', { is_complete: true }],
    ['assistant_message_chunk', { total_chunks: 3 }],
    ['assistant_message_chunk', { chunk_index: -1 }],
    ['assistant_message_end', { message_metadata: { finish_reason: 'eos', model: 'demo' } }],
    ['tool_call_start', { status: 'running' }],
    ['tool_call_progress', { status: 'starting' }],
    ['tool_call_progress', { progress: 1.5 }],
    ['tool_call_progress', { progress: -0.1 }],
    ['tool_call_end', { status: 'starting' }],
    ['tool_call_end', { execution_time: -1 }],
    ['processing_status', { progress_info: { step: 1 } }],
    ['error', { retryable: 'yes' }],
    ['conversation_end', { status: 'done' }],
    ['conversation_end', { usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 } }],
    ['conversation_end', { new_messages_count: 1.5 }],
  ];
  for (const [type, patch] of badValues) {
    test(`${type} with ${JSON.stringify(patch)}`, () => {
      assert.equal(parses(event(type, { ...examples[type], ...patch })), false);
    });
  }
});

describe('missing required fields fail', () => {
  for (const type of EVENT_TYPES) {
    test(`${type} data`, () => {
      for (const field of requiredFields(type)) {
        assert.equal(parses(event(type, without(examples[type], field))), false, `${type} without ${field}`);
      }
    });
  }

  test('assistant_message_end message_metadata needs finish_reason and model', () => {
    const end = examples.assistant_message_end;
    for (const field of ['finish_reason', 'model']) {
      const data = { ...end, message_metadata: without(end.message_metadata, field) };
      assert.equal(parses(event('assistant_message_end', data)), false, field);
    }
  });

  test('usage needs all four counters', () => {
    for (const field of Object.keys(USAGE)) {
      const data = { ...examples.conversation_end, usage: without(USAGE, field) };
      assert.equal(parses(event('conversation_end', data)), false, field);
    }
  });

  test('a tool result of undefined vanishes in JSON, so it must be sent as null', () => {
    const input = event('tool_call_end', { ...examples.tool_call_end, result: undefined });
    assert.equal(parses(JSON.parse(JSON.stringify(input))), false);
    assert.ok(parses(event('tool_call_end', { ...examples.tool_call_end, result: null })));
  });

  test('envelope fields', () => {
    const valid = event('conversation_start', examples.conversation_start);
    for (const field of ['event_type', 'seq', 'run_id', 'session_id', 'timestamp', 'data', 'metadata']) {
      assert.equal(parses(without(valid, field)), false, field);
    }
    for (const seq of [0, -1, 1.5, '7']) assert.equal(parses({ ...valid, seq }), false, `seq ${seq}`);
  });
});
