import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Language, SluiceError, type ToolCall } from '../protocol/index.ts';
import { builtinTools, createCurrentTimeTool, executeTool, type Tool, ToolRegistry } from '../tools/index.ts';
import { DemoProvider } from './demo-provider.ts';
import type { ChatMessage, LlmChunk, LlmRequest, ToolSpec } from './provider.ts';

const registry = new ToolRegistry();
for (const tool of builtinTools()) registry.register(tool);
const ALL_TOOLS = registry.specs();
// Saturday 2026-11-21 09:30:00 UTC
const INSTANT = new Date(Date.UTC(2026, 10, 21, 9, 30, 0));
const fixedClock = createCurrentTimeTool(() => INSTANT) as Tool;

function request(
  messages: ChatMessage[],
  options: { language?: Language; tools?: ToolSpec[]; signal?: AbortSignal } = {},
): LlmRequest {
  return {
    model: 'demo',
    messages,
    tools: options.tools ?? ALL_TOOLS,
    language: options.language ?? 'en',
    signal: options.signal ?? new AbortController().signal,
  };
}

async function collect(provider: DemoProvider, req: LlmRequest): Promise<LlmChunk[]> {
  const chunks: LlmChunk[] = [];
  for await (const chunk of provider.stream(req)) chunks.push(chunk);
  return chunks;
}

function textOf(chunks: LlmChunk[]): string {
  return chunks.map((c) => (c.type === 'text-delta' ? c.text : '')).join('');
}

function callsOf(chunks: LlmChunk[]): ToolCall[] {
  return chunks.flatMap((c) => (c.type === 'tool-call' ? [c.call] : []));
}

const fast = new DemoProvider({ tokensPerSecond: 0 });

/** Runs the calls with the real tools (the clock pinned) and appends what the agent would. */
async function withResults(
  messages: ChatMessage[],
  chunks: LlmChunk[],
  language: Language,
): Promise<ChatMessage[]> {
  const calls = callsOf(chunks);
  const next: ChatMessage[] = [
    ...messages,
    { role: 'assistant', content: textOf(chunks), tool_calls: calls },
  ];
  for (const call of calls) {
    const tool = call.name === 'current_time' ? fixedClock : registry.get(call.name);
    const outcome = await executeTool(
      tool,
      call.name,
      call.arguments,
      { signal: new AbortController().signal, progress() {}, language, runId: 'r', callId: call.id },
      { timeoutMs: 5000 },
    );
    const content =
      outcome.status === 'completed'
        ? JSON.stringify(outcome.result)
        : JSON.stringify({ error: outcome.error });
    next.push({ role: 'tool', tool_call_id: call.id, name: call.name, content });
  }
  return next;
}

describe('DemoProvider: arithmetic', () => {
  test('17*23 in two steps: a calculator call, then the answer from its result', async () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'What is 17*23?' }];
    const first = await collect(fast, request(messages));
    assert.equal(textOf(first), 'Let me calculate that.');
    const deltas = first.filter((c) => c.type === 'tool-call-delta');
    assert.deepEqual(deltas, [
      {
        type: 'tool-call-delta',
        index: 0,
        id: 'call_demo_1',
        name: 'calculator',
        argumentsDelta: '{"expression":"17*23"}',
      },
    ]);
    assert.deepEqual(callsOf(first), [
      { id: 'call_demo_1', name: 'calculator', arguments: '{"expression":"17*23"}' },
    ]);
    assert.deepEqual(first.at(-1), { type: 'finish', reason: 'tool_calls' });
    assert.equal(
      first.some((c) => c.type === 'usage'),
      false,
    );

    const second = await collect(fast, request(await withResults(messages, first, 'en')));
    assert.equal(textOf(second), '17*23 = 391.');
    assert.deepEqual(callsOf(second), []);
    assert.deepEqual(second.at(-1), { type: 'finish', reason: 'stop' });
  });

  const questions: Array<[Language, string, string, string]> = [
    ['zh', '计算 (3+4)*5', '(3+4)*5', '(3+4)*5 等于 35。'],
    ['ja', '17×23は？', '17*23', '17*23 は 391 です。'],
    ['es', '¿Cuánto es 2^10?', '2^10', '2^10 es igual a 1024.'],
    ['fr', 'Combien font 12 / 4 ?', '12 / 4', '12 / 4 est égal à 3.'],
    ['en', 'calculate sqrt(2)^2 + max(1, 5)', 'sqrt(2)^2 + max(1, 5)', 'sqrt(2)^2 + max(1, 5) = 7.'],
  ];
  for (const [language, question, expression, answer] of questions) {
    test(`in ${language}: "${question}"`, async () => {
      const messages: ChatMessage[] = [{ role: 'user', content: question }];
      const first = await collect(fast, request(messages, { language }));
      assert.deepEqual(JSON.parse(callsOf(first)[0]!.arguments), { expression });
      if (language === 'zh' || language === 'ja') assert.match(textOf(first), /\p{Script=Han}/u);
      const second = await collect(fast, request(await withResults(messages, first, language), { language }));
      assert.equal(textOf(second), answer);
    });
  }

  test('a failed calculation is reported politely, in the run language', async () => {
    for (const [language, pattern] of [
      ['en', /^Sorry, calculator failed: Division by zero at position 1\.$/],
      ['zh', /^抱歉，calculator 失败：Division by zero at position 1。$/],
      ['fr', /^Désolé, calculator a échoué : Division by zero at position 1\.$/],
    ] as const) {
      const messages: ChatMessage[] = [{ role: 'user', content: 'what is 1/0?' }];
      const first = await collect(fast, request(messages, { language }));
      const second = await collect(fast, request(await withResults(messages, first, language), { language }));
      assert.match(textOf(second), pattern);
    }
  });

  test('a failure that does not name the tool is wrapped in a full sentence', async () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'what is 2+2?' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 'c1', name: 'calculator', arguments: '{"expression":"2+2"}' }],
      },
      { role: 'tool', tool_call_id: 'c1', content: '{"error":"The service is down."}' },
    ];
    const chunks = await collect(fast, request(messages, { language: 'es' }));
    assert.equal(textOf(chunks), 'Lo siento, calculator no funcionó: The service is down.');
  });

  test('without the calculator offered it answers directly and calls nothing', async () => {
    const chunks = await collect(fast, request([{ role: 'user', content: 'what is 17*23?' }], { tools: [] }));
    assert.deepEqual(callsOf(chunks), []);
    assert.equal(
      chunks.some((c) => c.type === 'tool-call-delta'),
      false,
    );
    assert.equal(textOf(chunks), '17*23 = 391.');
    assert.deepEqual(chunks.at(-1), { type: 'finish', reason: 'stop' });
  });
});

describe('DemoProvider: time', () => {
  test('"what time is it in Tokyo" calls current_time with Asia/Tokyo, then reads the result', async () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'What time is it in Tokyo?' }];
    const first = await collect(fast, request(messages));
    assert.deepEqual(callsOf(first), [
      { id: 'call_demo_1', name: 'current_time', arguments: '{"timezone":"Asia/Tokyo"}' },
    ]);
    const second = await collect(fast, request(await withResults(messages, first, 'en')));
    assert.equal(textOf(second), 'In Asia/Tokyo it is 18:30:00 on Saturday, 2026-11-21 (UTC+09:00).');
  });

  const questions: Array<[Language, string, string | undefined, RegExp]> = [
    ['zh', '东京现在几点？', 'Asia/Tokyo', /星期六/],
    ['ja', 'パリは今何時ですか', 'Europe/Paris', /土曜日/],
    ['es', '¿Qué hora es en Nueva York?', 'America/New_York', /sábado/],
    ['fr', 'Quelle heure est-il à Sydney ?', 'Australia/Sydney', /samedi/],
    ['en', 'What is the date today?', undefined, /Saturday, 2026-11-21/],
    ['en', 'Time in Asia/Kolkata please', 'Asia/Kolkata', /15:00:00/],
  ];
  for (const [language, question, zone, answer] of questions) {
    test(`in ${language}: "${question}"`, async () => {
      const messages: ChatMessage[] = [{ role: 'user', content: question }];
      const first = await collect(fast, request(messages, { language }));
      const calls = callsOf(first);
      assert.equal(calls.length, 1);
      assert.deepEqual(JSON.parse(calls[0]!.arguments), zone ? { timezone: zone } : {});
      const second = await collect(fast, request(await withResults(messages, first, language), { language }));
      assert.match(textOf(second), answer);
    });
  }

  test('arithmetic and time in one message make two calls, and both results are answered', async () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'What is 6*7, and what time is it in London?' },
    ];
    const first = await collect(fast, request(messages));
    assert.deepEqual(
      callsOf(first).map((c) => [c.id, c.name, c.arguments]),
      [
        ['call_demo_1', 'calculator', '{"expression":"6*7"}'],
        ['call_demo_2', 'current_time', '{"timezone":"Europe/London"}'],
      ],
    );
    assert.deepEqual(
      first.filter((c) => c.type === 'tool-call-delta').map((c) => c.index),
      [0, 1],
    );
    const second = await collect(fast, request(await withResults(messages, first, 'en')));
    assert.equal(
      textOf(second),
      '6*7 = 42. In Europe/London it is 09:30:00 on Saturday, 2026-11-21 (UTC+00:00).',
    );
  });

  test('only offered tools are called', async () => {
    const onlyClock = registry.specs(['current_time']);
    const chunks = await collect(
      fast,
      request([{ role: 'user', content: 'What is 6*7, and the time?' }], { tools: onlyClock }),
    );
    assert.deepEqual(
      callsOf(chunks).map((c) => c.name),
      ['current_time'],
    );
    const none = await collect(
      fast,
      request([{ role: 'user', content: 'What time is it in Paris?' }], { tools: [] }),
    );
    assert.deepEqual(callsOf(none), []);
    assert.match(textOf(none), /offline demo model/);
  });

  test('call ids continue after the calls already in the conversation', async () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'what is 1+1?' }];
    const first = await collect(fast, request(messages));
    const history = await withResults(messages, first, 'en');
    history.push({ role: 'assistant', content: '1+1 = 2.' }, { role: 'user', content: 'and 2+2?' });
    const again = await collect(fast, request(history));
    assert.deepEqual(
      callsOf(again).map((c) => c.id),
      ['call_demo_2'],
    );
  });
});

describe('DemoProvider: long texts and other messages', () => {
  const asks: Array<[Language, string, string]> = [
    ['en', 'Write a detailed essay about the history of tea, please.', 'the history of tea'],
    ['zh', '写一篇关于人工智能的详细文章', '人工智能'],
    ['ja', '日本の歴史について詳しく書いてください', '日本の歴史'],
    ['es', 'Escribe un texto detallado sobre la historia del café', 'la historia del café'],
    ['fr', "Écris un texte détaillé sur l'histoire du thé", "l'histoire du thé"],
  ];
  for (const [language, ask, subject] of asks) {
    test(`a long text in ${language} has at least 4 paragraphs of several sentences about the subject`, async () => {
      const chunks = await collect(fast, request([{ role: 'user', content: ask }], { language }));
      assert.deepEqual(callsOf(chunks), []);
      const paragraphs = textOf(chunks).split('\n\n');
      assert.ok(paragraphs.length >= 4, `${paragraphs.length} paragraphs`);
      for (const paragraph of paragraphs) {
        const sentences = paragraph.split(/(?<=[.。!?！？])\s*/u).filter((s) => s.trim() !== '');
        assert.ok(sentences.length >= 3, paragraph);
      }
      assert.ok(textOf(chunks).includes(subject));
      if (language === 'zh') assert.match(textOf(chunks), /本文/);
      if (language === 'ja') assert.match(textOf(chunks), /\p{Script=Hiragana}/u);
      if (language === 'es') assert.match(textOf(chunks), /Este texto trata sobre/);
      if (language === 'fr') assert.match(textOf(chunks), /Ce texte porte sur/);
    });
  }

  test('a long-text request with a year range is not taken for arithmetic', async () => {
    const chunks = await collect(
      fast,
      request([{ role: 'user', content: 'Write a detailed essay about the 1914-1918 war' }]),
    );
    assert.deepEqual(callsOf(chunks), []);
    assert.match(textOf(chunks), /about the 1914-1918 war\./);
  });

  const others: Array<[Language, string, RegExp]> = [
    [
      'en',
      'Tell me a joke about cats',
      /^You said: “Tell me a joke about cats”\. .*arithmetic.*time.*long texts/,
    ],
    ['zh', '给我讲个笑话', /^你说的是：“给我讲个笑话”。.*离线演示模型/],
    ['ja', '猫の話をして', /^「猫の話をして」.*オフラインデモモデル/],
    ['es', 'Cuéntame un chiste', /^Me dijiste: «Cuéntame un chiste»\. .*modelo de demostración/],
    [
      'fr',
      'Raconte-moi une blague',
      /^Vous avez dit : « Raconte-moi une blague »\. .*modèle de démonstration/,
    ],
  ];
  for (const [language, message, pattern] of others) {
    test(`anything else in ${language} echoes the message and says what the demo can do`, async () => {
      const chunks = await collect(fast, request([{ role: 'user', content: message }], { language }));
      assert.match(textOf(chunks), pattern);
      assert.deepEqual(callsOf(chunks), []);
    });
  }

  test('the examples the fallback suggests all work', async () => {
    const examples: Array<[Language, string, 'calculator' | 'current_time' | 'long']> = [
      ['en', 'what is 17*23?', 'calculator'],
      ['en', 'what time is it in Tokyo?', 'current_time'],
      ['en', 'write a detailed essay about tea', 'long'],
      ['zh', '计算 17*23', 'calculator'],
      ['zh', '东京现在几点？', 'current_time'],
      ['zh', '写一篇关于茶的详细文章', 'long'],
      ['ja', '東京は今何時？', 'current_time'],
      ['ja', 'お茶について詳しく書いて', 'long'],
      ['es', 'cuánto es 17*23', 'calculator'],
      ['es', 'qué hora es en Tokio', 'current_time'],
      ['es', 'escribe un texto detallado sobre el té', 'long'],
      ['fr', 'combien font 17*23', 'calculator'],
      ['fr', 'quelle heure est-il à Tokyo', 'current_time'],
      ['fr', 'écris un texte détaillé sur le thé', 'long'],
    ];
    for (const [language, message, kind] of examples) {
      const chunks = await collect(fast, request([{ role: 'user', content: message }], { language }));
      const calls = callsOf(chunks).map((c) => c.name);
      if (kind === 'long') assert.ok(textOf(chunks).split('\n\n').length >= 4, message);
      else assert.deepEqual(calls, [kind], message);
    }
  });

  test('an empty conversation gets a greeting', async () => {
    const chunks = await collect(fast, request([], { language: 'es' }));
    assert.match(textOf(chunks), /^¡Hola! /);
  });
});

describe('DemoProvider: streaming', () => {
  test('deterministic: the same request streams the same chunks', async () => {
    for (const content of [
      'What is 17*23?',
      'What time is it in Paris?',
      'Write a long essay about rivers',
      'hi',
    ]) {
      for (const language of ['en', 'zh'] as const) {
        const a = await collect(fast, request([{ role: 'user', content }], { language }));
        const b = await collect(
          new DemoProvider({ tokensPerSecond: 0 }),
          request([{ role: 'user', content }], { language }),
        );
        assert.deepEqual(a, b);
      }
    }
  });

  test('tokens are words with trailing space in Latin text and 1-2 characters in CJK text', async () => {
    const en = await collect(fast, request([{ role: 'user', content: 'Write a long essay about rivers' }]));
    for (const c of en) if (c.type === 'text-delta') assert.match(c.text, /^\S+\s*$/u);
    const zh = await collect(
      fast,
      request([{ role: 'user', content: '写一篇关于河流的详细文章' }], { language: 'zh' }),
    );
    const deltas = zh.flatMap((c) => (c.type === 'text-delta' ? [c.text] : []));
    assert.ok(deltas.length > 100);
    for (const text of deltas) {
      const cjk = [...text].filter((ch) => /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u.test(ch));
      assert.ok(cjk.length <= 2, text);
    }
  });

  test('a cancelled request throws run_cancelled before streaming anything', async () => {
    const controller = new AbortController();
    controller.abort();
    const iterator = fast.stream(request([{ role: 'user', content: 'hi' }], { signal: controller.signal }));
    await assert.rejects(
      iterator[Symbol.asyncIterator]().next(),
      (e: unknown) => e instanceof SluiceError && e.code === 'run_cancelled',
    );
  });

  test('abort mid-stream at pace 40 stops at once: the pending timer is cleared and nothing more arrives', async (t) => {
    const paced = new DemoProvider({ tokensPerSecond: 40 });
    const controller = new AbortController();
    const stream = paced.stream(
      request([{ role: 'user', content: 'Write a long essay about rivers' }], { signal: controller.signal }),
    );
    const iterator = stream[Symbol.asyncIterator]();
    for (let i = 0; i < 3; i += 1) assert.equal((await iterator.next()).done, false);
    const clearTimeoutSpy = t.mock.method(globalThis, 'clearTimeout');
    const pending = iterator.next(); // now waiting for the next token's timer
    controller.abort();
    await assert.rejects(pending, (e: unknown) => e instanceof SluiceError && e.code === 'run_cancelled');
    assert.equal(clearTimeoutSpy.mock.callCount(), 1);
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
  });

  test('pace 0 streams a long text without timers, yielding to the event loop as it goes', async (t) => {
    const setTimeoutSpy = t.mock.method(globalThis, 'setTimeout');
    const setImmediateSpy = t.mock.method(globalThis, 'setImmediate');
    let tickedAt: number | undefined;
    const chunks: LlmChunk[] = [];
    setImmediate(() => {
      tickedAt = chunks.length;
    });
    for await (const chunk of fast.stream(
      request([{ role: 'user', content: 'Write a detailed essay about bridges' }]),
    )) {
      chunks.push(chunk);
    }
    assert.ok(chunks.length > 200);
    assert.deepEqual(chunks.at(-1), { type: 'finish', reason: 'stop' });
    assert.equal(setTimeoutSpy.mock.callCount(), 0);
    assert.ok(setImmediateSpy.mock.callCount() >= 3);
    assert.ok(
      tickedAt !== undefined && tickedAt < chunks.length,
      'another task ran while the stream was going',
    );
  });

  test('rejects a negative pace', () => {
    assert.throws(() => new DemoProvider({ tokensPerSecond: -1 }), RangeError);
  });
});
