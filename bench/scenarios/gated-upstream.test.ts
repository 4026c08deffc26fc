import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type LlmChunk, OpenAiProvider } from '../../src/llm/index.ts';
import { startGatedUpstream } from './gated-upstream.ts';

const TOKENS = ['Rivers ', 'carry ', 'water ', 'to ', 'the ', 'sea.'];

async function collect(provider: OpenAiProvider): Promise<LlmChunk[]> {
  const chunks: LlmChunk[] = [];
  for await (const chunk of provider.stream({
    model: 'bench',
    messages: [{ role: 'user', content: 'write about rivers' }],
    tools: [],
    language: 'en',
    signal: AbortSignal.timeout(10_000),
  })) {
    chunks.push(chunk);
  }
  return chunks;
}

test('the gated upstream holds a completion until the gate opens, then streams the tokens Sluice reads', async () => {
  const upstream = await startGatedUpstream(TOKENS);
  try {
    const provider = new OpenAiProvider({ apiKey: 'bench-test', baseURL: upstream.baseUrl, maxRetries: 0 });
    upstream.arm();
    let settled = false;
    const streamed = collect(provider).finally(() => {
      settled = true;
    });
    await sleep(300);
    assert.equal(settled, false, 'the completion went out before the gate opened');
    assert.equal(upstream.completions, 0);

    const go = await fetch(upstream.goUrl, { method: 'POST' });
    assert.equal(go.status, 204);
    const chunks = await streamed;
    const text = chunks.flatMap((c) => (c.type === 'text-delta' ? [c.text] : [])).join('');
    assert.equal(text, TOKENS.join(''));
    assert.deepEqual(chunks.at(-1), { type: 'finish', reason: 'stop' });
    assert.ok(chunks.some((c) => c.type === 'usage' && c.outputTokens === TOKENS.length));
    assert.equal(upstream.completions, 1);

    // Opened, it stays open until armed again.
    assert.equal((await collect(provider)).at(-1)?.type, 'finish');
  } finally {
    await upstream.close();
  }
});
