import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { extractedItemSchema } from '../src/tools/index.ts';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.ts';
import { type RawStream, readRawStream } from './support/raw-sse.ts';
import { json, startTestServer, type TestServer } from './support/sluice.ts';

/**
 * Conformance with mcp-extract-sse.md: `POST /v1/extract` with an API key streams
 * `status_update` frames, then `final_result` or `error`, each with exactly the document's fields.
 */

const INVOICE = `Invoice INV-2026-031, issued 2026-03-15 by Acme Widgets Inc.
Total due: $1,250.00 by March 31, 2026. Questions: billing@acme.example.
A typo date 2026-02-30 must not validate.`;

const TASK_ID = /^task_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KEY = 'extract-key-a';

function writeDocuments(t: TestServer): void {
  const root = t.config.documents_dir;
  mkdirSync(join(root, 'contracts'), { recursive: true });
  writeFileSync(join(root, 'invoice.txt'), INVOICE);
  writeFileSync(join(root, 'contracts', 'lease.md'), '# Lease\nSigned 2026年3月15日，租金 3000元。');
  writeFileSync(join(root, 'empty-of-items.txt'), 'Nothing to see here, just words.');
  writeFileSync(join(root, 'scan.pdf'), Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0xfe, 0x00]));
  writeFileSync(join(dirname(root), 'secret.txt'), 'password: hunter2, due 2026-01-01');
  symlinkSync(join(dirname(root), 'secret.txt'), join(root, 'shortcut.txt'));
}

interface Outcome {
  stream: RawStream;
  statuses: string[];
  final: Record<string, unknown> & { billing: Record<string, unknown> };
  event: string | undefined;
}

/** Checks the frames' shape against the document and returns the statuses and the last frame. */
function readTask(stream: RawStream, documentPath: string, userId: string): Outcome {
  assert.equal(stream.status, 200, stream.raw);
  assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
  const updates = stream.messages.slice(0, -1);
  const last = stream.messages.at(-1);
  assert.ok(last, 'a final frame');
  const taskId = stream.headers.get('x-sluice-task-id') ?? '';
  assert.match(taskId, TASK_ID);
  const statuses: string[] = [];
  for (const update of updates) {
    assert.equal(update.event, 'status_update');
    const data = JSON.parse(update.data) as { task_id: string; status: string };
    assert.deepEqual(Object.keys(data), ['task_id', 'status']);
    assert.equal(data.task_id, taskId);
    statuses.push(data.status);
  }
  const final = JSON.parse(last.data) as Outcome['final'];
  const base = ['task_id', 'user_id', 'document_path', 'status', 'billing'];
  if (last.event === 'final_result') {
    assert.deepEqual(Object.keys(final), [...base, 'result']);
    assert.equal(final.status, 'completed');
  } else {
    assert.equal(last.event, 'error');
    assert.deepEqual(Object.keys(final), [...base, 'error_message']);
    assert.equal(final.status, 'failed');
    assert.equal(typeof final.error_message, 'string');
    assert.deepEqual(final.billing, {
      billable: false,
      amount: 0,
      currency: 'USD',
      reason: 'agent_execution_failure',
    });
  }
  assert.equal(final.task_id, taskId);
  assert.equal(final.user_id, userId);
  assert.equal(final.document_path, documentPath);
  assert.deepEqual(Object.keys(final.billing), ['billable', 'amount', 'currency', 'reason']);
  return { stream, statuses, final, event: last.event };
}

describe('extraction task on the demo model', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({
      api_keys: [{ key: KEY, tenant: 'acme' }],
      extraction: { price_per_item: 0.002 },
    });
    writeDocuments(t);
  });
  after(async () => {
    await t.close();
  });

  const extract = (body: unknown, headers: Record<string, string> = { 'x-api-key': KEY }) =>
    readRawStream(`${t.url}/v1/extract`, { body, headers });

  test('a good document: INIT, PLANNING, EXTRACTION, VALIDATION, then a billable final_result', async () => {
    const { statuses, final, event } = readTask(
      await extract({ document_path: 'invoice.txt', user_id: 'user-7' }),
      'invoice.txt',
      'user-7',
    );
    assert.equal(event, 'final_result');
    assert.deepEqual(statuses, ['INIT', 'PLANNING', 'EXTRACTION', 'VALIDATION']);
    const result = final.result as {
      status: string;
      items: unknown[];
      validated_items: unknown[];
      rejected: unknown[];
    };
    assert.equal(result.status, 'completed');
    for (const item of result.validated_items) extractedItemSchema.parse(item);
    const values = result.validated_items.map((item) => (item as { value: string }).value);
    assert.deepEqual(values, [
      '2026-03-15',
      'Acme Widgets Inc.',
      '$1,250.00',
      'March 31, 2026',
      'billing@acme.example',
    ]);
    assert.equal(result.items.length, 6, 'the impossible date was a candidate');
    assert.deepEqual(final.billing, {
      billable: true,
      amount: 0.01,
      currency: 'USD',
      reason: 'validated_items',
    });
  });

  test("the answer follows the request's language; subfolders are fine", async () => {
    const { final } = readTask(
      await extract({ document_path: 'contracts/lease.md', user_id: 'u', language: 'zh' }),
      'contracts/lease.md',
      'u',
    );
    const result = final.result as { validated_items: Array<{ normalized: string }>; summary: string };
    assert.deepEqual(
      result.validated_items.map((item) => item.normalized),
      ['2026-03-15', '3000 CNY'],
    );
    assert.match(result.summary, /通过校验/);
  });

  test('path traversal, absolute paths and symlinks out of the folder are refused, not billed', async () => {
    for (const path of [
      '../secret.txt',
      'contracts/../../secret.txt',
      join(dirname(t.config.documents_dir), 'secret.txt'),
      '/etc/passwd',
      'shortcut.txt',
    ]) {
      const { final, statuses } = readTask(await extract({ document_path: path, user_id: 'u' }), path, 'u');
      assert.match(String(final.error_message), /outside the documents folder/, path);
      assert.doesNotMatch(String(final.error_message), /hunter2/);
      assert.deepEqual(statuses, ['INIT', 'PLANNING', 'EXTRACTION']);
    }
  });

  test('a missing file and a binary file each fail with a clear message, not billed', async () => {
    const missing = readTask(await extract({ document_path: 'nope.txt', user_id: 'u' }), 'nope.txt', 'u');
    assert.match(String(missing.final.error_message), /no document "nope\.txt"/);
    const binary = readTask(await extract({ document_path: 'scan.pdf', user_id: 'u' }), 'scan.pdf', 'u');
    assert.match(String(binary.final.error_message), /"scan\.pdf" is not a text file/);
    const folder = readTask(await extract({ document_path: 'contracts', user_id: 'u' }), 'contracts', 'u');
    assert.equal(folder.event, 'error');
  });

  test('a document with no items completes without billing', async () => {
    const { final, event } = readTask(
      await extract({ document_path: 'empty-of-items.txt', user_id: 'u' }),
      'empty-of-items.txt',
      'u',
    );
    assert.equal(event, 'final_result');
    assert.deepEqual(final.billing, {
      billable: false,
      amount: 0,
      currency: 'USD',
      reason: 'no_validated_items',
    });
  });

  test('the API key: required, as X-API-Key or Bearer', async () => {
    const body = { document_path: 'invoice.txt', user_id: 'u' };
    const none = await json<{ error: { code: string } }>(`${t.url}/v1/extract`, { body });
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'unauthorized');
    const bearer = await extract(body, { authorization: `Bearer ${KEY}` });
    assert.equal(readTask(bearer, 'invoice.txt', 'u').event, 'final_result');
  });

  test('the EventSource client: GET with the fields and api_key in the query, listeners by event name', async () => {
    const query = new URLSearchParams({ document_path: 'invoice.txt', user_id: 'u-es', api_key: KEY });
    const stream = await readRawStream(`${t.url}/v1/extract?${query}`);
    const seen: string[] = [];
    for (const message of stream.messages) {
      const data = JSON.parse(message.data) as { status: string };
      if (message.event === 'status_update') seen.push(data.status);
      else if (message.event === 'final_result') seen.push(`final ${data.status}`);
      else if (message.event === 'error') seen.push('error');
    }
    assert.deepEqual(seen, ['INIT', 'PLANNING', 'EXTRACTION', 'VALIDATION', 'final completed']);
  });

  test("bad requests get the error table's code before any stream", async () => {
    for (const body of [
      { document_path: 'invoice.txt' },
      { user_id: 'u' },
      { document_path: '', user_id: 'u' },
      { document_path: 3, user_id: 'u' },
    ]) {
      const answer = await json<{ error: { code: string } }>(`${t.url}/v1/extract`, {
        body,
        headers: { 'x-api-key': KEY },
      });
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(answer.body.error.code, 'validation_failed');
    }
  });

  test("the task is a session of the extractor agent, for the request's user", async () => {
    const stream = await extract({ document_path: 'invoice.txt', user_id: 'user-stored' });
    const { body: session } = await json<{
      agent_id: string;
      user_id: string;
      messages: Array<{ role: string }>;
    }>(`${t.url}/api/sessions/${stream.headers.get('x-sluice-session-id')}`, {
      headers: { 'x-api-key': KEY },
    });
    assert.equal(session.agent_id, 'extractor');
    assert.equal(session.user_id, 'user-stored');
    assert.deepEqual(
      session.messages.map((m) => m.role),
      ['user', 'assistant', 'tool', 'assistant'],
    );
  });
});

describe('extraction task on an OpenAI-compatible upstream', () => {
  let upstream: FakeUpstream;
  let t: TestServer;
  before(async () => {
    upstream = await startFakeUpstream();
    t = await startTestServer({ openai: { api_key: 'sk-test', base_url: upstream.url, max_retries: 0 } });
    writeDocuments(t);
  });
  after(async () => {
    await t.close();
    await upstream.close();
  });

  test('the model reads the document and sends its own items; the tool validates them', async () => {
    upstream.requests.length = 0;
    upstream.enqueue(
      {
        kind: 'stream',
        toolCalls: [{ id: 'call_1', name: 'read_document', arguments: ['{"document_path":"invoice.txt"}'] }],
      },
      {
        kind: 'stream',
        toolCalls: [
          {
            id: 'call_2',
            name: 'extract_items',
            arguments: [
              JSON.stringify({
                document_path: 'invoice.txt',
                items: [
                  { type: 'organization', value: 'Acme Widgets Inc.', context: 'issued by', confidence: 0.9 },
                  { type: 'person', value: 'Jane Invented', confidence: 0.9 },
                ],
              }),
            ],
          },
        ],
      },
      { kind: 'stream', text: ['One organization found.'] },
    );
    const { final, statuses, event } = readTask(
      await readRawStream(`${t.url}/v1/extract`, { body: { document_path: 'invoice.txt', user_id: 'u' } }),
      'invoice.txt',
      'u',
    );
    assert.equal(event, 'final_result');
    assert.deepEqual(statuses, ['INIT', 'PLANNING', 'EXTRACTION', 'VALIDATION']);
    const result = final.result as {
      validated_items: Array<{ value: string }>;
      rejected: Array<{ reason: string }>;
      summary: string;
    };
    assert.deepEqual(
      result.validated_items.map((item) => item.value),
      ['Acme Widgets Inc.'],
    );
    assert.deepEqual(
      result.rejected.map((r) => r.reason),
      ['not_in_document'],
    );
    assert.equal(result.summary, 'One organization found.');
    assert.deepEqual(final.billing, {
      billable: true,
      amount: 0.001,
      currency: 'USD',
      reason: 'validated_items',
    });
    const toolResult = upstream.requests[1]?.body.messages.at(-1);
    assert.equal(toolResult.role, 'tool');
    assert.match(toolResult.content, /Acme Widgets Inc\./, 'the model saw the document');
  });

  test('an upstream failure is an error frame and a clean end, not billed', async () => {
    upstream.enqueue({ kind: 'http-error', status: 500, message: 'boom' });
    const { final, statuses, stream } = readTask(
      await readRawStream(`${t.url}/v1/extract`, { body: { document_path: 'invoice.txt', user_id: 'u' } }),
      'invoice.txt',
      'u',
    );
    assert.deepEqual(statuses, ['INIT', 'PLANNING']);
    assert.match(String(final.error_message), /language model service/);
    assert.ok(stream.raw.endsWith('\n\n'));
  });
});
