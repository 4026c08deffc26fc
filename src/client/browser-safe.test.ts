import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * `sluice/client` runs in browsers: everything it loads, transitively, may import only the
 * protocol, the SSE decoder, the client itself, zod and eventsource-parser, and must not touch
 * Node's globals. A new import that breaks this fails here rather than in someone's bundler.
 */

const src = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ALLOWED_DIRS = ['client', 'protocol', 'sse'];
const ALLOWED_PACKAGES = new Set(['zod', 'eventsource-parser']);
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
const NODE_GLOBALS = /\b(?:process\.|Buffer\b|require\(|__dirname|__filename|setImmediate\()/;

function reachable(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (graph.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(IMPORT)].map((m) => (m[1] ?? m[2]) as string);
    graph.set(file, specifiers);
    for (const specifier of specifiers) {
      if (specifier.startsWith('.')) queue.push(join(dirname(file), specifier));
    }
  }
  return graph;
}

describe('sluice/client is browser-safe', () => {
  const graph = reachable(join(src, 'client', 'index.ts'));

  test('it reaches the protocol and the SSE decoder', () => {
    const files = [...graph.keys()].map((file) => relative(src, file));
    assert.ok(files.includes(join('protocol', 'events.ts')));
    assert.ok(files.includes(join('sse', 'decode.ts')));
  });

  test('every module it loads stays within client, protocol and sse, and imports only zod and eventsource-parser', () => {
    for (const [file, specifiers] of graph) {
      const where = relative(src, file);
      assert.ok(ALLOWED_DIRS.includes(where.split(/[\\/]/)[0] ?? ''), `${where} is outside ${ALLOWED_DIRS}`);
      assert.ok(!where.endsWith('.test.ts'), `${where} is a test`);
      for (const specifier of specifiers) {
        if (specifier.startsWith('.')) continue;
        assert.ok(ALLOWED_PACKAGES.has(specifier), `${where} imports ${specifier}`);
      }
    }
  });

  test("no module it loads uses Node's globals", () => {
    for (const file of graph.keys()) {
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      assert.doesNotMatch(code, NODE_GLOBALS, relative(src, file));
    }
  });
});
