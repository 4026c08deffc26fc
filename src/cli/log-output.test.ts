import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prettyLine } from './log-output.ts';

test('prettyLine renders a pino record as a readable line', () => {
  const line = JSON.stringify({
    level: 40,
    time: Date.UTC(2026, 10, 21, 12, 0, 1, 234),
    pid: 1,
    hostname: 'h',
    msg: 'slow',
    runId: 'r1',
    n: 2,
  });
  assert.equal(prettyLine(line, false), '12:00:01.234 WARN  slow runId=r1 n=2\n');
  assert.match(prettyLine(line, true), /\u001b\[33mWARN /);
});

test('prettyLine passes through what is not JSON', () => {
  assert.equal(prettyLine('plain text', false), 'plain text\n');
});
