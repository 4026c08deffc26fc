import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { servicesUnavailable, sharedServices } from './support/services.ts';
import { json } from './support/sluice.ts';
import { type SluiceProcess, startSluiceProcess } from './support/sluice-process.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

describe('sluice start --workers', () => {
  test('more than one worker without PostgreSQL and Redis exits 2 with one message naming both', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'start', '--port', '0', '--workers', '2'],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: '', REDIS_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 2);
    const lines = stderr.trim().split('\n');
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0] ?? '', /--workers 2 .*DATABASE_URL \(PostgreSQL\) and REDIS_URL \(Redis\)/);
  });
});

const found = await sharedServices();
if ('reason' in found) {
  servicesUnavailable('sluice start --workers 2 on PostgreSQL and Redis', found.reason);
} else {
  const { services } = found;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cluster-'));
  let primary: SluiceProcess | undefined;
  after(async () => {
    primary?.kill('SIGKILL');
    await primary?.exited;
    await services.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('--workers 2 serves from two processes, replaces a worker that dies, and stops on SIGTERM', async () => {
    primary = await startSluiceProcess({
      args: ['--workers', '2'],
      env: {
        ...services.env,
        SLUICE_DATA_DIR: join(dir, 'data'),
        SLUICE_DOCUMENTS_DIR: join(dir, 'documents'),
      },
    });
    const workersListening = () =>
      new Set(primary?.lines.filter((l) => typeof l.worker === 'number').map((l) => l.worker as number));
    await primary.waitForLine(() => workersListening().size === 2);
    const first = [...workersListening()];
    assert.ok(!first.includes(primary.pid), 'the primary serves nothing itself');

    const health = await json<{ status: string; checks: { store: { kind: string }; bus: { kind: string } } }>(
      `${primary.url}/health`,
    );
    assert.equal(health.status, 200);
    assert.equal(health.body.checks.store.kind, 'postgres');
    assert.equal(health.body.checks.bus.kind, 'redis');

    const [victim] = first as [number];
    process.kill(victim, 'SIGKILL');
    await primary.waitForLine((line) => line.worker !== undefined && !first.includes(line.worker as number));
    assert.equal(workersListening().size, 3, 'a third worker took the dead one’s place');

    primary.kill('SIGTERM');
    assert.deepEqual(await primary.exited, { code: 0, signal: null });
    for (const pid of workersListening()) assert.equal(isAlive(pid), false, `worker ${pid} exited`);
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
