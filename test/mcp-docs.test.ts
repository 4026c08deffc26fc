import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { configSchema, mcpServerSpecs } from '../src/config/index.ts';
import { startTestServer, type TestServer } from './support/sluice.ts';

/** docs/mcp.md works as written: its config example validates, its client example runs. */

const DOC = readFileSync(new URL('../docs/mcp.md', import.meta.url), 'utf8');
const ROOT = new URL('..', import.meta.url).pathname;
const KEY = 'docs-example-key';

/** The fenced blocks of a section, by language tag (`''` for untagged). */
function blocks(section: string, language: string): string[] {
  const start = DOC.indexOf(`\n## ${section}\n`);
  assert.ok(start >= 0, `section ${section}`);
  const next = DOC.indexOf('\n## ', start + 1);
  const text = DOC.slice(start, next === -1 ? undefined : next);
  return [...text.matchAll(/```(\w*)\n([\s\S]*?)```/g)]
    .filter((match) => match[1] === language)
    .map((match) => match[2] ?? '');
}

let sluice: TestServer;
before(async () => {
  // The demo model at its default pace, as `npm start` runs it.
  sluice = await startTestServer({ api_keys: [{ key: KEY, tenant: 'docs' }], demo_pace: 40 });
});
after(async () => {
  await sluice?.close();
});

test('the configuration example is valid and names its servers as documented', () => {
  const [example] = blocks('Tools from MCP servers', 'json');
  assert.ok(example);
  const config = configSchema.parse(JSON.parse(example));
  assert.deepEqual(
    mcpServerSpecs(config).map((spec) => [spec.name, spec.transport]),
    [
      ['everything', 'stdio'],
      ['search', 'http'],
    ],
  );
});

test('the client example runs against Sluice and prints what the doc shows', async () => {
  const [code] = blocks('Client example', 'js');
  const [shown] = blocks('Client example', '');
  assert.ok(code && shown);
  // Run from the checkout, where the SDK resolves, as the doc says.
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code], {
    cwd: ROOT,
    env: { ...process.env, SLUICE_URL: sluice.url, SLUICE_API_KEY: KEY },
    timeout: 60_000,
  });
  const printed = stdout.trim().split('\n');
  const expected = shown.trim().split('\n');
  assert.deepEqual(printed.slice(0, -1), expected.slice(0, -1));
  assert.match(printed.at(-1) ?? '', /^run: [0-9a-f-]{36} session: [0-9a-f-]{36}$/);
});
