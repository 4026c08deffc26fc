import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calculatorRun, logEntries, RUN_ID, SESSION_ID } from '../../test/support/log-entries.ts';
import { McpRunResult, mcpProgress, mcpProgressMessage } from './mcp.ts';

test('progress carries the tool-call and status messages, with the seq as progress', () => {
  const entries = logEntries(calculatorRun());
  assert.deepEqual(
    entries.flatMap((entry) => mcpProgress(entry, 'en', 'tok') ?? []),
    [
      { progressToken: 'tok', progress: 2, message: 'Thinking (step 1)…' },
      { progressToken: 'tok', progress: 7, message: 'Calling calculator…' },
      { progressToken: 'tok', progress: 8, message: 'Evaluating 17*23' },
      { progressToken: 'tok', progress: 9, message: 'calculator finished.' },
      { progressToken: 'tok', progress: 10, message: 'Thinking (step 2)…' },
    ],
  );
});

test('a tool call’s end says how it ended, in the run’s language', () => {
  const [completed, failed, cancelled] = logEntries(
    (['completed', 'failed', 'cancelled'] as const).map((status) => ({
      event_type: 'tool_call_end' as const,
      data: {
        tool_name: 'calculator',
        status,
        call_id: 'c',
        result: null,
        execution_time: 0,
        error_message: status === 'failed' ? 'calculator failed: division by zero' : null,
      },
    })),
  );
  assert.equal(mcpProgressMessage(completed!.event, 'fr'), 'calculator a terminé.');
  assert.equal(mcpProgressMessage(failed!.event, 'fr'), 'calculator failed: division by zero');
  assert.equal(mcpProgressMessage(cancelled!.event, 'ja'), 'calculator はキャンセルされました。');
});

test('the result is the last step’s text, with the run’s ids and usage', () => {
  const collector = new McpRunResult(RUN_ID, SESSION_ID);
  const results = logEntries(calculatorRun()).map((entry) => collector.push(entry.event));
  assert.ok(results.slice(0, -1).every((result) => result === undefined));
  assert.deepEqual(results.at(-1), {
    content: [{ type: 'text', text: '17*23 = 391.' }],
    structuredContent: {
      run_id: RUN_ID,
      session_id: SESSION_ID,
      status: 'completed',
      answer: '17*23 = 391.',
      usage: { input_tokens: 90, output_tokens: 12, total_tokens: 102, total_cost: 0 },
    },
  });
});

test('a failed run is an error result whose text is the error', () => {
  const collector = new McpRunResult(RUN_ID, SESSION_ID);
  const result = logEntries(calculatorRun('failed'))
    .map((entry) => collector.push(entry.event))
    .at(-1);
  assert.equal(result?.isError, true);
  assert.deepEqual(result?.content, [{ type: 'text', text: 'The language model service failed: boom' }]);
  assert.equal(result?.structuredContent.status, 'failed');
  assert.equal(result?.structuredContent.answer, '');
});
