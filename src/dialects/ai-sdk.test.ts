import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseJsonEventStream, readUIMessageStream, type UIMessage, uiMessageChunkSchema } from 'ai';
import { calculatorRun, logEntries, RUN_ID, SESSION_ID, USAGE } from '../../test/support/log-entries.ts';
import type { EventDraft } from '../protocol/index.ts';
import { SluiceError } from '../protocol/index.ts';
import { aiSdkChatBody, aiSdkDialect, lastUserText, uiMessagesToHistory } from './ai-sdk.ts';

function encode(drafts: EventDraft[]): string {
  const dialect = aiSdkDialect({ messageId: RUN_ID });
  let out = dialect.open?.() ?? '';
  for (const entry of logEntries(drafts)) out += dialect.encode(entry) ?? '';
  return out + (dialect.close?.() ?? '');
}

const frame = (chunk: Record<string, unknown>) => `data: ${JSON.stringify(chunk)}\n\n`;

/** Reads frames the way DefaultChatTransport and readUIMessageStream do; returns the last message. */
async function readMessage(body: string): Promise<{ message: UIMessage | undefined; errors: unknown[] }> {
  const bytes = new TextEncoder().encode(body);
  const stream = parseJsonEventStream({
    stream: new ReadableStream({
      start(controller) {
        // Split mid-frame, as a network would.
        controller.enqueue(bytes.slice(0, 37));
        controller.enqueue(bytes.slice(37));
        controller.close();
      },
    }),
    schema: uiMessageChunkSchema,
  }).pipeThrough(
    new TransformStream({
      transform(chunk, controller) {
        if (!chunk.success) throw chunk.error;
        controller.enqueue(chunk.value);
      },
    }),
  );
  const errors: unknown[] = [];
  let message: UIMessage | undefined;
  for await (const snapshot of readUIMessageStream({ stream, onError: (e) => errors.push(e) })) {
    message = snapshot;
  }
  return { message, errors };
}

describe('ai sdk: stream', () => {
  test('exact frames of a run with a tool call', () => {
    const status = (message: string, stage: string, extra: Record<string, unknown> = {}) =>
      frame({ type: 'data-status', id: 'status', data: { message, stage, ...extra } });
    assert.equal(
      encode(calculatorRun()),
      frame({
        type: 'start',
        messageId: RUN_ID,
        messageMetadata: { run_id: RUN_ID, session_id: SESSION_ID, agent_id: 'assistant', model: 'demo' },
      }) +
        frame({ type: 'start-step' }) +
        status('Thinking (step 1)…', 'llm_step', { step: 1 }) +
        frame({ type: 'text-start', id: 'm1' }) +
        frame({ type: 'text-delta', id: 'm1', delta: 'Let me ' }) +
        frame({ type: 'text-delta', id: 'm1', delta: 'calculate.' }) +
        frame({ type: 'text-end', id: 'm1' }) +
        frame({ type: 'tool-input-start', toolCallId: 'call_1', toolName: 'calculator' }) +
        frame({
          type: 'tool-input-available',
          toolCallId: 'call_1',
          toolName: 'calculator',
          input: { expression: '17*23' },
        }) +
        frame({
          type: 'data-status',
          data: {
            message: 'Evaluating 17*23',
            stage: 'tool',
            tool_name: 'calculator',
            call_id: 'call_1',
            progress: null,
          },
          transient: true,
        }) +
        frame({
          type: 'tool-output-available',
          toolCallId: 'call_1',
          output: { expression: '17*23', result: 391 },
        }) +
        frame({ type: 'finish-step' }) +
        frame({ type: 'start-step' }) +
        status('Thinking (step 2)…', 'llm_step', { step: 2 }) +
        frame({ type: 'text-start', id: 'm2' }) +
        frame({ type: 'text-delta', id: 'm2', delta: '17*23 = 391.' }) +
        frame({ type: 'text-end', id: 'm2' }) +
        frame({ type: 'finish-step' }) +
        status('Done.', 'completed') +
        frame({
          type: 'finish',
          finishReason: 'stop',
          messageMetadata: { status: 'completed', usage: USAGE },
        }) +
        'data: [DONE]\n\n',
    );
  });

  test("the ai package's own reader builds the message: text, tool and data parts, metadata", async () => {
    const { message, errors } = await readMessage(encode(calculatorRun()));
    assert.deepEqual(errors, []);
    assert.ok(message);
    assert.equal(message.id, RUN_ID);
    assert.equal(message.role, 'assistant');
    const types = message.parts.map((p) => p.type);
    assert.deepEqual(types, ['step-start', 'data-status', 'text', 'tool-calculator', 'step-start', 'text']);
    const texts = message.parts.flatMap((p) => (p.type === 'text' ? [p.text] : []));
    assert.deepEqual(texts, ['Let me calculate.', '17*23 = 391.']);
    const tool = message.parts.find((p) => p.type === 'tool-calculator') as Record<string, unknown>;
    assert.equal(tool.state, 'output-available');
    assert.equal(tool.toolCallId, 'call_1');
    assert.deepEqual(tool.input, { expression: '17*23' });
    assert.deepEqual(tool.output, { expression: '17*23', result: 391 });
    const status = message.parts.find((p) => p.type === 'data-status') as { data: { stage: string } };
    assert.equal(status.data.stage, 'completed', 'the status part was replaced in place');
    assert.deepEqual(message.metadata, {
      run_id: RUN_ID,
      session_id: SESSION_ID,
      agent_id: 'assistant',
      model: 'demo',
      status: 'completed',
      usage: USAGE,
    });
  });

  test('documents become data-document parts; failing tools become output-error', async () => {
    const drafts = calculatorRun();
    drafts.splice(
      -1,
      0,
      {
        event_type: 'tool_call_start',
        data: {
          tool_name: 'calculator',
          status: 'starting',
          call_id: 'call_2',
          progress_message: '…',
          arguments: { expression: '1/' },
        },
      },
      {
        event_type: 'tool_call_end',
        data: {
          tool_name: 'calculator',
          status: 'failed',
          call_id: 'call_2',
          result: null,
          execution_time: 0,
          error_message: 'calculator failed: unexpected end',
        },
      },
      {
        event_type: 'design_document_generated',
        data: { filename: 'design.md', content: '# Design', document_id: 'd1', format: 'markdown' },
      },
    );
    const out = encode(drafts);
    assert.ok(
      out.includes(
        frame({
          type: 'data-document',
          id: 'd1',
          data: { document_id: 'd1', filename: 'design.md', format: 'markdown', content: '# Design' },
        }),
      ),
    );
    const { message } = await readMessage(out);
    const failed = message?.parts.find(
      (p) => p.type === 'tool-calculator' && (p as { toolCallId: string }).toolCallId === 'call_2',
    ) as Record<string, unknown>;
    assert.equal(failed.state, 'output-error');
    assert.equal(failed.errorText, 'calculator failed: unexpected end');
    const doc = message?.parts.find((p) => p.type === 'data-document') as { data: { content: string } };
    assert.equal(doc.data.content, '# Design');
  });

  test('a failed run sends an error chunk and finishes with finishReason error', async () => {
    const out = encode(calculatorRun('failed'));
    assert.ok(out.includes(frame({ type: 'error', errorText: 'The language model service failed: boom' })));
    assert.ok(
      out.endsWith(
        frame({
          type: 'finish',
          finishReason: 'error',
          messageMetadata: { status: 'failed', usage: USAGE },
        }) + 'data: [DONE]\n\n',
      ),
    );
    const { errors } = await readMessage(out);
    assert.equal((errors[0] as Error).message, 'The language model service failed: boom');
  });

  test('a cancelled run sends abort before finish', () => {
    const out = encode(calculatorRun('cancelled'));
    assert.ok(
      out.endsWith(
        frame({ type: 'abort', reason: 'cancelled' }) +
          frame({
            type: 'finish',
            finishReason: 'other',
            messageMetadata: { status: 'cancelled', usage: USAGE },
          }) +
          'data: [DONE]\n\n',
      ),
    );
  });
});

describe('ai sdk: request', () => {
  const user = (text: string, id = 'u1') => ({ id, role: 'user' as const, parts: [{ type: 'text', text }] });

  test('takes the DefaultChatTransport body, extra fields included', () => {
    const body = aiSdkChatBody.parse({
      id: 'chat-1',
      messages: [user('hi')],
      trigger: 'submit-message',
      messageId: undefined,
      agent_id: 'planner',
      anything: true,
    });
    assert.equal(body.agent_id, 'planner');
    assert.equal(body.on_disconnect, 'continue');
    assert.ok(!aiSdkChatBody.safeParse({ id: 'c', messages: [user('x')], trigger: 'resume-stream' }).success);
  });

  test('the last user message text parts are the input; anything else is rejected', () => {
    assert.equal(
      lastUserText([
        {
          id: 'u',
          role: 'user',
          parts: [
            { type: 'text', text: 'a' },
            { type: 'file', url: 'x' },
            { type: 'text', text: 'b' },
          ],
        },
      ]),
      'a\nb',
    );
    for (const messages of [
      [{ id: 'a', role: 'assistant' as const, parts: [{ type: 'text', text: 'hi' }] }],
      [{ id: 'u', role: 'user' as const, parts: [{ type: 'file' }] }],
    ]) {
      assert.throws(
        () => lastUserText(messages),
        (e: unknown) => e instanceof SluiceError && e.code === 'validation_failed',
      );
    }
  });

  test('uiMessagesToHistory keeps text only and drops messages without any', () => {
    assert.deepEqual(
      uiMessagesToHistory([
        user('q'),
        { id: 'a', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'text', text: 'ans' }] },
        { id: 'a2', role: 'assistant', parts: [{ type: 'tool-calculator' }] },
      ]),
      [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'ans' },
      ],
    );
  });
});
