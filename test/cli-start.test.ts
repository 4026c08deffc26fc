import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';

const MAIN = new URL('../src/cli/main.ts', import.meta.url).pathname;
const ROOT = new URL('..', import.meta.url).pathname;

interface Started {
  output: string;
  code: number | null;
}

/**
 * Runs `sluice start` as a real process and stops it once `until` matches its output (SIGTERM),
 * or lets it exit by itself. Bounded by `timeoutMs`.
 */
function runStart(
  args: string[],
  env: Record<string, string>,
  until?: RegExp,
  timeoutMs = 30_000,
): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'start', '--port', '0', ...args], {
      cwd: ROOT,
      env: { ...process.env, SLUICE_DATA_DIR: 'memory://', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let signalled = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!signalled && until?.test(output)) {
        signalled = true;
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sluice start did not finish in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ output, code });
    });
  });
}

describe('sluice start', () => {
  test('dev mode writes readable lines to the terminal and JSON lines to --log-file, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
    try {
      const logFile = join(dir, 'logs', 'sluice.log');
      const { output, code } = await runStart(['--log-file', logFile], {}, /Sluice is listening/);
      assert.equal(code, 0);
      assert.match(
        output,
        /^\d\d:\d\d:\d\d\.\d{3} INFO {2}Sluice is listening on http:\/\/127\.0\.0\.1:\d+/m,
      );
      const lines = readFileSync(logFile, 'utf8').trim().split('\n');
      const listening = lines
        .map((line) => JSON.parse(line) as { msg: string })
        .find((r) => r.msg.startsWith('Sluice is listening'));
      assert.ok(listening, 'the file holds JSON records');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('prod mode logs JSON lines', async () => {
    const { output } = await runStart(
      ['--mode', 'prod'],
      { SLUICE_API_KEYS: 'key-123456:acme' },
      /Sluice is listening/,
    );
    const record = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string })
      .find((r) => r.msg.startsWith('Sluice is listening'));
    assert.ok(record);
  });

  test('prod mode refuses to start open, with exit code 2 and one clear line', async () => {
    const { output, code } = await runStart(['--mode', 'prod'], { SLUICE_API_KEYS: '' });
    assert.equal(code, 2);
    assert.match(output, /prod mode needs API keys/);
  });

  test('prod mode starts open with --insecure-no-auth, and warns that it is open', async () => {
    const { output } = await runStart(
      ['--mode', 'prod', '--insecure-no-auth'],
      { SLUICE_API_KEYS: '' },
      /no API keys configured/,
    );
    assert.doesNotMatch(output, /prod mode needs API keys/);
    assert.match(output, /Sluice is listening/);
    assert.match(output, /no API keys configured/);
  });

  test('an unreachable LLM endpoint stops prod mode before listening, and is a warning in dev mode', async () => {
    const env = {
      OPENAI_API_KEY: 'sk-never-printed',
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      SLUICE_API_KEYS: 'key-123456:acme',
    };
    const prod = await runStart(['--mode', 'prod'], env);
    assert.equal(prod.code, 1);
    assert.match(prod.output, /LLM endpoint http:\/\/127\.0\.0\.1:9\/v1\/models is not reachable/);
    assert.doesNotMatch(prod.output, /sk-never-printed/);
    assert.doesNotMatch(prod.output, /listening/);
    const dev = await runStart([], env, /LLM endpoint/);
    assert.match(dev.output, /WARN .*LLM endpoint/);
    assert.match(dev.output, /Sluice is listening/);
  });

  test('bad configuration is reported with every problem and exit code 2', async () => {
    const { output, code } = await runStart(['--mode', 'prod'], {
      SLUICE_DEMO_PACE: 'fast',
      SLUICE_PORT: 'x',
    });
    assert.equal(code, 2);
    assert.match(output, /invalid configuration/);
    assert.match(output, /demo_pace/);
  });
});
