import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { usage } from '../../test/support/answer-run.ts';
import { logEntries as entries } from '../../test/support/log-entries.ts';
import type { EventDraft } from '../protocol/index.ts';
import { EXTRACT_PROGRESS } from '../tools/index.ts';
import { extractionDialect, extractionInstruction, extractionRequest } from './extract.ts';

const task = {
  task_id: 'task_0193a3c2-7b1e-7c4a-9f00-5d2e8b6a1c01',
  user_id: 'u-42',
  document_path: 'invoice.txt',
};
const prices = { pricePerItem: 0.001, currency: 'USD' };

function encodeAll(drafts: EventDraft[]): string {
  const dialect = extractionDialect(task, prices);
  return entries(drafts)
    .map((entry) => dialect.encode(entry) ?? '')
    .join('');
}

const item = {
  type: 'email',
  value: 'a@b.io',
  normalized: 'a@b.io',
  context: 'mail a@b.io',
  confidence: 0.95,
};
const result = {
  status: 'completed',
  document_path: 'invoice.txt',
  items: [item],
  validated_items: [item],
  rejected: [],
};

const head: EventDraft[] = [
  {
    event_type: 'conversation_start',
    data: { user_input: 'x', agent_id: 'extractor', language: 'en', model: 'demo' },
  },
  {
    event_type: 'processing_status',
    data: { status_message: '…', progress_info: { stage: 'llm_step', step: 1 } },
  },
  {
    event_type: 'tool_call_start',
    data: {
      tool_name: 'extract_items',
      status: 'starting',
      call_id: 'c1',
      progress_message: '…',
      arguments: {},
    },
  },
  ...[EXTRACT_PROGRESS.reading, EXTRACT_PROGRESS.extracting, EXTRACT_PROGRESS.validating].map(
    (progress): EventDraft => ({
      event_type: 'tool_call_progress',
      data: { tool_name: 'extract_items', status: 'running', call_id: 'c1', progress_message: '…', progress },
    }),
  ),
];

const end = (status: 'completed' | 'failed'): EventDraft => ({
  event_type: 'conversation_end',
  data: {
    success: status === 'completed',
    execution_time: 1,
    new_messages_count: 3,
    status,
    usage: usage(5, 5),
  },
});

const statuses =
  'event: status_update\ndata: {"task_id":"task_0193a3c2-7b1e-7c4a-9f00-5d2e8b6a1c01","status":"INIT"}\n\n' +
  'event: status_update\ndata: {"task_id":"task_0193a3c2-7b1e-7c4a-9f00-5d2e8b6a1c01","status":"PLANNING"}\n\n' +
  'event: status_update\ndata: {"task_id":"task_0193a3c2-7b1e-7c4a-9f00-5d2e8b6a1c01","status":"EXTRACTION"}\n\n' +
  'event: status_update\ndata: {"task_id":"task_0193a3c2-7b1e-7c4a-9f00-5d2e8b6a1c01","status":"VALIDATION"}\n\n';

describe('extraction dialect', () => {
  test('status updates in order, then final_result with billing and the result', () => {
    const out = encodeAll([
      ...head,
      {
        event_type: 'tool_call_end',
        data: {
          tool_name: 'extract_items',
          status: 'completed',
          call_id: 'c1',
          result,
          execution_time: 0.1,
          error_message: null,
        },
      },
      {
        event_type: 'processing_status',
        data: { status_message: '…', progress_info: { stage: 'llm_step', step: 2 } },
      },
      { event_type: 'assistant_message_start', data: { message_id: 'm2' } },
      {
        event_type: 'assistant_message_chunk',
        data: {
          content: 'Found 1.',
          is_complete: false,
          chunk_index: 0,
          total_chunks: null,
          message_id: 'm2',
        },
      },
      end('completed'),
    ]);
    assert.equal(
      out,
      statuses +
        'event: final_result\ndata: {"task_id":"task_0193a3c2-7b1e-7c4a-9f00-5d2e8b6a1c01","user_id":"u-42","document_path":"invoice.txt","status":"completed",' +
        '"billing":{"billable":true,"amount":0.001,"currency":"USD","reason":"validated_items"},' +
        `"result":{"status":"completed","document_path":"invoice.txt","items":[${JSON.stringify(item)}],"validated_items":[${JSON.stringify(item)}],"rejected":[],"summary":"Found 1."}}\n\n`,
    );
  });

  test("a failed tool makes the task an error with the tool's message, not billed", () => {
    const out = encodeAll([
      ...head.slice(0, 3),
      {
        event_type: 'tool_call_end',
        data: {
          tool_name: 'extract_items',
          status: 'failed',
          call_id: 'c1',
          result: null,
          execution_time: 0.1,
          error_message: 'extract_items failed: There is no document "invoice.txt" in the documents folder',
        },
      },
      end('completed'),
    ]);
    assert.equal(
      out,
      statuses.split('\n\n').slice(0, 3).join('\n\n') +
        '\n\nevent: error\ndata: {"task_id":"task_0193a3c2-7b1e-7c4a-9f00-5d2e8b6a1c01","user_id":"u-42","document_path":"invoice.txt","status":"failed",' +
        '"billing":{"billable":false,"amount":0,"currency":"USD","reason":"agent_execution_failure"},' +
        '"error_message":"extract_items failed: There is no document \\"invoice.txt\\" in the documents folder"}\n\n',
    );
  });

  test('a run error wins, and zero validated items are not billed', () => {
    const failed = encodeAll([
      ...head.slice(0, 2),
      {
        event_type: 'error',
        data: {
          error_message: 'upstream down',
          error_details: null,
          code: 'upstream_error',
          retryable: true,
        },
      },
      end('failed'),
    ]);
    const last = JSON.parse(failed.trim().split('\n\n').at(-1)!.split('\n')[1]!.slice(6));
    assert.equal(last.error_message, 'upstream down');
    assert.equal(last.billing.billable, false);

    const empty = encodeAll([
      ...head,
      {
        event_type: 'tool_call_end',
        data: {
          tool_name: 'extract_items',
          status: 'completed',
          call_id: 'c1',
          result: { ...result, validated_items: [] },
          execution_time: 0.1,
          error_message: null,
        },
      },
      end('completed'),
    ]);
    const final = JSON.parse(empty.trim().split('\n\n').at(-1)!.split('\n')[1]!.slice(6));
    assert.deepEqual(final.billing, {
      billable: false,
      amount: 0,
      currency: 'USD',
      reason: 'no_validated_items',
    });
  });

  test('a run that ends without calling the tool is a failed task saying so', () => {
    const out = encodeAll([head[0]!, head[1]!, end('completed')]);
    const last = JSON.parse(out.trim().split('\n\n').at(-1)!.split('\n')[1]!.slice(6));
    assert.equal(last.status, 'failed');
    assert.equal(last.error_message, 'The agent finished without extracting any items from the document.');
  });

  test('statuses never repeat or go backwards', () => {
    const out = encodeAll([...head, ...head.slice(1)]);
    assert.equal(out, statuses);
  });
});

describe('extraction requests', () => {
  test('ExtractionRequest needs document_path and user_id', () => {
    assert.deepEqual(extractionRequest.parse({ document_path: 'a.txt', user_id: 'u' }), {
      document_path: 'a.txt',
      user_id: 'u',
    });
    assert.equal(extractionRequest.safeParse({ document_path: 'a.txt' }).success, false);
    assert.equal(extractionRequest.safeParse({ user_id: 'u' }).success, false);
  });

  test('the instruction quotes the path as JSON in every language', () => {
    assert.equal(
      extractionInstruction('a "b".txt', 'en'),
      'Extract the structured items from the document "a \\"b\\".txt".',
    );
    assert.equal(extractionInstruction('发票.txt', 'zh'), '请从文档 "发票.txt" 中抽取结构化条目。');
  });
});
