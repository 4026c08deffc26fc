import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { costOf, DEFAULT_PRICES, mergePrices, priceOf } from './pricing.ts';

describe('pricing', () => {
  test('prices input and output tokens per million', () => {
    assert.equal(costOf('gpt-4o', 1_000_000, 0), 2.5);
    assert.equal(costOf('gpt-4o', 0, 1_000_000), 10);
    assert.equal(costOf('gpt-4o-mini', 1200, 350), 0.00039);
    assert.equal(costOf('deepseek-chat', 10_000, 2_000), 0.00364);
  });

  test('the demo model and unknown models cost nothing', () => {
    assert.equal(costOf('demo', 5_000, 5_000), 0);
    assert.equal(costOf('llama3.1:8b', 5_000, 5_000), 0);
    assert.equal(costOf('', 1, 1), 0);
  });

  test('a dated or tagged variant takes the longest listed name it extends', () => {
    assert.deepEqual(priceOf('gpt-4o-2024-08-06'), DEFAULT_PRICES['gpt-4o']);
    assert.deepEqual(priceOf('gpt-4o-mini-2024-07-18'), DEFAULT_PRICES['gpt-4o-mini']);
    assert.deepEqual(priceOf('gpt-4.1-nano-2025-04-14'), DEFAULT_PRICES['gpt-4.1-nano']);
    assert.deepEqual(priceOf('qwen-plus:latest'), DEFAULT_PRICES['qwen-plus']);
    assert.deepEqual(priceOf('GPT-4o'), DEFAULT_PRICES['gpt-4o']);
    assert.deepEqual(priceOf('openai/gpt-4.1-mini'), DEFAULT_PRICES['gpt-4.1-mini']);
  });

  test('a name that merely starts like a listed one is not a variant of it', () => {
    assert.equal(priceOf('gpt-4oo'), undefined);
    assert.equal(priceOf('gpt-4.10'), undefined);
    assert.equal(priceOf('demonstration'), undefined);
  });

  test('rounds to 1e-8 so small costs add up without float noise', () => {
    const one = costOf('gpt-4.1-nano', 3, 7);
    assert.equal(one, 0.0000031);
    let sum = 0;
    for (let i = 0; i < 10; i++) sum = Math.round((sum + costOf('gpt-4o-mini', 1, 1)) * 1e8) / 1e8;
    assert.equal(sum, 0.0000075);
    assert.equal(costOf('gpt-4o-mini', 1, 0), 0.00000015);
  });

  test('mergePrices overrides and extends without touching the base', () => {
    const table = mergePrices(DEFAULT_PRICES, {
      'GPT-4o': { input: 1, output: 2 },
      'my-vllm-model': { input: 0.1, output: 0.1 },
    });
    assert.equal(costOf('gpt-4o-2024-11-20', 1_000_000, 1_000_000, table), 3);
    assert.equal(costOf('my-vllm-model', 1_000_000, 0, table), 0.1);
    assert.equal(costOf('gpt-4o', 1_000_000, 0), 2.5);
    assert.ok(Object.isFrozen(table));
  });

  test('mergePrices refuses negative or non-numeric prices, naming the model', () => {
    assert.throws(() => mergePrices(DEFAULT_PRICES, { cheap: { input: -1, output: 0 } }), /"cheap"/);
    assert.throws(
      () => mergePrices(DEFAULT_PRICES, { odd: { input: 1, output: Number.NaN } }),
      /output price of "odd"/,
    );
  });

  test('every default price is a finite number of dollars, 0 or more', () => {
    for (const [model, price] of Object.entries(DEFAULT_PRICES)) {
      assert.equal(model, model.toLowerCase());
      assert.ok(Number.isFinite(price.input) && price.input >= 0, model);
      assert.ok(Number.isFinite(price.output) && price.output >= 0, model);
    }
  });
});
