import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { canonicalEventSchema } from '../src/protocol/index.ts';
import { startTestServer, type TestServer } from './support/sluice.ts';
import { readStream } from './support/sse.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

async function chat(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'chat', ...args], {
    cwd: ROOT,
    env: { ...process.env, SLUICE_API_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

describe('sluice chat (through the client SDK)', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ demo_pace: 0 });
  });
  after(async () => {
    await t.close();
  });

  test('prints the answer on stdout, tool calls and the summary on stderr, and exits 0', async () => {
    const { code, stdout, stderr } = await chat(['--url', t.url, 'what is 5*5?']);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, 'Let me calculate that.\n5*5 = 25.\n');
    const lines = stderr.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^session [0-9a-f-]{36}$/);
    assert.equal(lines[1], '⚙ calculator {"expression":"5*5"}');
    assert.match(
      lines.at(-2) ?? '',
      /^ {2}✓ calculator \{"expression":"5\*5","result":25\} \(\d+\.\d{3} s\)$/,
    );
    assert.match(lines.at(-1) ?? '', /^— completed · \d+ in \/ \d+ out tokens · \$0$/);
  });

  test('--events prints each event exactly as the server sent it', async () => {
    const { code, stdout } = await chat(['--url', t.url, '--events', 'what is 5*5?']);
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split('\n');
    const events = lines.map((line) => canonicalEventSchema.parse(JSON.parse(line)));
    assert.deepEqual(
      events.map((e) => e.seq),
      events.map((_, i) => i + 1),
    );
    const log = await readStream(`${t.url}/api/runs/${events[0]?.run_id}/events`);
    assert.deepEqual(
      lines,
      log.messages.filter((m) => m.data !== '').map((m) => m.data),
    );
  });

  test('an error from the server is one line on stderr and exit 1', async () => {
    const unknown = '0193a000-0000-7000-8000-000000000000';
    const { code, stdout, stderr } = await chat(['--url', t.url, '--session', unknown, 'hi']);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.equal(stderr, `sluice chat: 404 session_not_found: Session ${unknown} does not exist.\n`);
  });
});
