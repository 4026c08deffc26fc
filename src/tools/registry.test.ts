import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { builtinTools } from './index.ts';
import { ToolRegistry } from './registry.ts';
import type { Tool } from './tool.ts';

const echo: Tool<{ text: string; times?: number }> = {
  name: 'echo',
  description: 'Repeats text.',
  inputSchema: z.object({ text: z.string().describe('What to repeat'), times: z.number().int().default(1) }),
  async execute(input) {
    return input.text.repeat(input.times ?? 1);
  },
};

test('register, get, has and list', () => {
  const registry = new ToolRegistry();
  for (const tool of builtinTools()) registry.register(tool);
  registry.register(echo);
  assert.deepEqual(
    registry.list().map((t) => t.name),
    ['calculator', 'current_time', 'echo'],
  );
  assert.equal(registry.get('echo'), echo);
  assert.equal(registry.has('calculator'), true);
  assert.equal(registry.has('missing'), false);
  assert.equal(registry.get('missing'), undefined);
});

test('registering a name twice throws', () => {
  const registry = new ToolRegistry();
  registry.register(echo);
  assert.throws(() => registry.register({ ...echo }), /"echo" is already registered/);
});

test('specs carry JSON Schema without $schema, for the input side', () => {
  const registry = new ToolRegistry();
  registry.register(echo);
  const [spec] = registry.specs();
  assert.deepEqual(spec, {
    name: 'echo',
    description: 'Repeats text.',
    parameters: {
      type: 'object',
      properties: {
        text: { type: 'string', description: 'What to repeat' },
        times: {
          type: 'integer',
          default: 1,
          minimum: Number.MIN_SAFE_INTEGER,
          maximum: Number.MAX_SAFE_INTEGER,
        },
      },
      required: ['text'],
    },
  });
});

test('specs follow the names given, skip unknown names, and are cached', () => {
  const registry = new ToolRegistry();
  for (const tool of builtinTools()) registry.register(tool);
  const specs = registry.specs(['current_time', 'missing', 'calculator']);
  assert.deepEqual(
    specs.map((s) => s.name),
    ['current_time', 'calculator'],
  );
  assert.equal(registry.specs(['calculator'])[0], specs[1]);
  assert.deepEqual(registry.specs([]), []);
  const time = specs[0]!.parameters as { properties: Record<string, unknown>; required?: string[] };
  assert.deepEqual(Object.keys(time.properties), ['timezone']);
  assert.equal(time.required, undefined);
});

test('allowed expands trailing-* patterns, keeps the list order and skips what is not registered', () => {
  const registry = new ToolRegistry();
  for (const tool of builtinTools()) registry.register(tool);
  for (const name of ['srv__b', 'srv__a', 'other__a']) registry.register({ ...echo, name });
  assert.deepEqual(registry.allowed(['current_time', 'srv__*', 'missing', 'calculator', 'srv__a']), [
    'current_time',
    'srv__b',
    'srv__a',
    'calculator',
  ]);
  assert.deepEqual(registry.allowed(['nothing__*']), []);
  assert.deepEqual(registry.allowed(['*']), ['calculator', 'current_time', 'srv__b', 'srv__a', 'other__a']);
});

test('a raw jsonSchema is the spec as-is; unregister drops the tool and its cached spec', () => {
  const registry = new ToolRegistry();
  const parameters = { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] };
  registry.register({ ...echo, name: 'raw', jsonSchema: parameters, source: 'mcp:x' });
  assert.deepEqual(registry.specs(['raw']), [{ name: 'raw', description: 'Repeats text.', parameters }]);
  assert.equal(registry.unregister('raw'), true);
  assert.equal(registry.unregister('raw'), false);
  assert.deepEqual(registry.specs(['raw']), []);
  registry.register({ ...echo, name: 'raw' });
  assert.deepEqual(registry.specs(['raw'])[0]?.parameters.required, ['text']);
});
