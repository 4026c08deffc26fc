import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogEntry } from '../bus/index.ts';
import type { CanonicalEvent } from '../protocol/index.ts';
import { agentChatDialect } from './agent-chat.ts';
import { aiSdkDialect } from './ai-sdk.ts';
import type { DialectStream } from './dialect.ts';
import { extractionDialect } from './extract.ts';
import { gtplannerDialect } from './gtplanner.ts';
import { McpRunResult } from './mcp.ts';
import { nativeFrame } from './native.ts';
import { openAiChatDialect } from './openai-chat.ts';
import { streamingAgentDialect } from './streaming-agent.ts';

// An extension's event in the log (typed as canonical there, as the run layer appends it).
const event = {
  event_type: 'acme.audit_note',
  seq: 4,
  run_id: 'r1',
  session_id: 's1',
  timestamp: new Date(0).toISOString(),
  data: { note: 'checked' },
  metadata: {},
} as unknown as CanonicalEvent;
const entry: LogEntry = { seq: 4, event, json: JSON.stringify(event) };

test('the native dialect sends a custom event as it is, under its own event name', () => {
  assert.equal(nativeFrame(entry), `id: 4\nevent: acme.audit_note\ndata: ${entry.json}\n\n`);
});

test('GTPlanner forwards a custom event as its own frame (its StreamEventType is extensible)', () => {
  const stream = gtplannerDialect({
    sessionId: 's1',
    runId: 'r1',
    agentId: 'planner',
    model: 'demo',
    language: 'en',
    includeMetadata: false,
    bufferEvents: false,
    heartbeatInterval: 30,
    version: '0',
  });
  assert.match(
    stream.encode(entry) ?? '',
    /^id: 4\nevent: acme\.audit_note\ndata: \{"event_type":"acme\.audit_note"/,
  );
});

test('the fixed-format dialects leave a custom event out, without failing', () => {
  const dialects: [string, DialectStream][] = [
    ['agent-chat', agentChatDialect({ session_id: 's1', message_id: null })],
    ['ai-sdk', aiSdkDialect({ messageId: 'm1' })],
    [
      'openai-chat',
      openAiChatDialect({ id: 'chatcmpl-r1', created: 0, model: 'a', includeUsage: true, language: 'en' }),
    ],
    ['streaming-agent', streamingAgentDialect()],
    [
      'extract',
      extractionDialect(
        { task_id: 't', user_id: 'u', document_path: 'd' },
        { pricePerItem: 0, currency: 'USD' },
      ),
    ],
  ];
  for (const [name, dialect] of dialects) {
    assert.ok(!dialect.encode(entry), `${name} sent something`);
  }
  assert.equal(new McpRunResult('r1', 's1').push(event), undefined);
});
