import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import type { SluiceExtension, Tool } from '../src/index.ts';
import type { RunStatus } from '../src/protocol/index.ts';
import { type FakeUpstream, startFakeUpstream } from './support/fake-upstream.ts';
import {
  assertRecovered,
  newSession,
  startVanishServer,
  until,
  type VanishServer,
} from './support/vanish-server.ts';
import { type Vanish, VanishingClient } from './support/vanishing-client.ts';

/**
 * The client vanishes through every other streaming dialect, and, through the native stream,
 * while a tool is really running on the server. After each, the same checks as
 * client-vanish.test.ts: the run ends stored as the route's policy says, no stream, heartbeat or
 * bus subscription is left, nothing is logged as an error, /health answers.
 */

/** The demo's fallback answer: about 50 chunks, 250 ms at 200 tokens per second. */
const TEXT = 'hello there';

interface DialectCase {
  name: string;
  path: string;
  body: () => unknown;
  /** What the route does when its client leaves: go on, or cancel the run. */
  ends: RunStatus;
  /** Leave once this many data frames were read. */
  after: number;
  how: Vanish;
}

let chats = 0;
const CASES: DialectCase[] = [
  {
    name: 'GTPlanner POST /api/chat/agent',
    path: '/api/chat/agent',
    body: () => ({ session_id: `vanish-${++chats}`, dialogue_history: [{ role: 'user', content: TEXT }] }),
    ends: 'completed',
    after: 6,
    how: 'destroy',
  },
  {
    name: 'streaming agent POST /chat/stream',
    path: '/chat/stream',
    body: () => ({ message: TEXT }),
    ends: 'cancelled',
    after: 4,
    how: 'reset',
  },
  {
    name: 'agent chat POST /api/agents/assistant/chat/stream',
    path: '/api/agents/assistant/chat/stream',
    body: () => ({ message: TEXT }),
    ends: 'completed',
    after: 4,
    how: 'half-close',
  },
  {
    name: 'OpenAI POST /v1/chat/completions (stream)',
    path: '/v1/chat/completions',
    body: () => ({ model: 'assistant', stream: true, messages: [{ role: 'user', content: TEXT }] }),
    ends: 'cancelled',
    after: 4,
    how: 'destroy',
  },
  ...(['continue', 'cancel'] as const).map(
    (policy): DialectCase => ({
      name: `AI SDK POST /api/ai-sdk/chat (on_disconnect ${policy})`,
      path: '/api/ai-sdk/chat',
      body: () => ({
        id: `vanish-${++chats}`,
        on_disconnect: policy,
        messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: TEXT }] }],
      }),
      ends: policy === 'cancel' ? 'cancelled' : 'completed',
      after: 5,
      how: policy === 'cancel' ? 'reset' : 'destroy',
    }),
  ),
  {
    name: 'extraction POST /v1/extract',
    path: '/v1/extract',
    body: () => ({ document_path: 'vanish.txt', user_id: 'u1' }),
    ends: 'cancelled',
    after: 1,
    how: 'half-close',
  },
];

describe('other dialects: the client vanishes mid-stream', () => {
  let t: VanishServer;
  before(async () => {
    t = await startVanishServer({ demo_pace: 200 });
    mkdirSync(t.config.documents_dir, { recursive: true });
    writeFileSync(
      join(t.config.documents_dir, 'vanish.txt'),
      'Invoice 2026-11-02 from Acme Ltd: 3 chairs at 40 USD. Contact anna@example.com.\n'.repeat(20),
    );
  });
  after(async () => {
    await t.close();
  });

  for (const c of CASES) {
    test(`${c.name}: gone after ${c.after} frame(s) (${c.how}), the run ends ${c.ends}`, async () => {
      const client = VanishingClient.open(t.url, {
        path: c.path,
        headers: { accept: 'text/event-stream' },
        body: JSON.stringify(c.body()),
      });
      let frames = 0;
      await client.at(() => ++frames === c.after, c.how);
      assert.equal(client.status, 200);
      const runId = client.headers['x-sluice-run-id'];
      assert.ok(runId, 'the stream names its run');
      await assertRecovered(t, { runId, status: c.ends });
      client.dispose();
    });
  }
});

/** A tool that runs until the test lets it finish, or its run is cancelled. */
function slowToolExtension(releases: Array<() => void>): SluiceExtension {
  const slowStep: Tool<Record<string, never>> = {
    name: 'slow_step',
    description: 'Works until it is told to stop.',
    inputSchema: z.object({}),
    async execute(_input, ctx) {
      ctx.progress('working');
      await new Promise<void>((resolve) => {
        releases.push(resolve);
        ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      return { done: true };
    },
  };
  return { name: 'slow-tool', tools: [slowStep] };
}

describe('native stream: the client vanishes while a tool runs on the server', () => {
  let upstream: FakeUpstream;
  let t: VanishServer;
  const releases: Array<() => void> = [];
  before(async () => {
    upstream = await startFakeUpstream();
    t = await startVanishServer(
      {
        openai: { api_key: 'sk-test-not-a-real-key', base_url: upstream.url, max_retries: 0 },
        agents: [{ id: 'worker', name: 'Worker', system_prompt: 'You work.', tools: ['slow_step'] }],
      },
      [slowToolExtension(releases)],
    );
  });
  after(async () => {
    for (const release of releases) release();
    await t.close();
    await upstream.close();
  });

  const toolCall = {
    kind: 'stream' as const,
    toolCalls: [{ id: 'call_1', name: 'slow_step', arguments: ['{}'] }],
  };

  for (const [policy, how] of [
    ['continue', 'reset'],
    ['cancel', 'destroy'],
  ] as const) {
    test(`e: between tool_call_start and tool_call_end, the tool still running (${policy}, ${how})`, async () => {
      if (policy === 'continue') upstream.enqueue(toolCall, { kind: 'stream', text: ['Done', '.'] });
      else upstream.enqueue(toolCall);
      releases.length = 0;
      const session = await newSession(t, { agent_id: 'worker' });
      const client = VanishingClient.open(t.url, {
        path: `/api/sessions/${session}/runs`,
        headers: { accept: 'text/event-stream' },
        body: JSON.stringify({ message: 'work', on_disconnect: policy }),
      });
      await client.at((m) => m.event === 'tool_call_progress', how);
      const runId = client.headers['x-sluice-run-id'] ?? '';
      await until(
        () => (t.server.ctx.streams.open === 0 ? true : undefined),
        'the server to see the client go',
      );
      if (policy === 'continue') {
        assert.equal(releases.length, 1, 'the tool is still running');
        assert.equal(t.server.ctx.runs.isRunning(runId), true);
        releases[0]?.();
      }
      await assertRecovered(t, { runId, status: policy === 'continue' ? 'completed' : 'cancelled' });
      const end = (await t.bus.readAfter(runId, 0)).find((e) => e.event.event_type === 'tool_call_end');
      assert.equal(
        (end?.event.data as { status?: string } | undefined)?.status,
        policy === 'continue' ? 'completed' : 'cancelled',
      );
    });
  }
});
