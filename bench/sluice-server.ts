/**
 * A Sluice server for the benchmark, in its own process: the demo model at pace 0 (no timers),
 * PGlite in memory, the in-process bus, logs silent, on 127.0.0.1 port 0. Reports its URL to the
 * orchestrator over IPC, then follows the commands of serveCommands (`runs`: its runs by status,
 * for bench/soak.ts). A JSON object as the first argument overrides configuration keys (shallow
 * merge; `runs` merges one level down), so each scenario states only what it changes:
 * `forkChild(url, [], [JSON.stringify({ demo_pace: 0.1 })])`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../src/config/index.ts';
import { createServer } from '../src/http/index.ts';
import { reply, serveCommands } from './server-child.ts';
import { BENCH_RATE_LIMIT, BENCH_RETENTION_MS } from './sluice-settings.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
try {
  const overrides = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>;
  const config = configSchema.parse({
    host: '127.0.0.1',
    port: 0,
    log_level: 'silent',
    data_dir: 'memory://',
    documents_dir: join(scratch, 'documents'),
    demo_pace: 0,
    // One load client from one address would hit the per-client rate limit within a second.
    rate_limit: BENCH_RATE_LIMIT,
    ...overrides,
    runs: { retention_ms: BENCH_RETENTION_MS, ...(overrides.runs as object | undefined) },
  });
  const server = await createServer(config);
  const ended: Record<string, number> = {};
  server.ctx.runs.onRunEnd((end) => {
    ended[end.status] = (ended[end.status] ?? 0) + 1;
  });
  serveCommands({
    close: async () => {
      await server.close();
      rmSync(scratch, { recursive: true, force: true });
    },
    runCounts: async () => {
      const unfinished: Record<string, number> = {};
      for (const run of await server.ctx.store.listUnfinishedRuns()) {
        unfinished[run.status] = (unfinished[run.status] ?? 0) + 1;
      }
      return {
        unfinished,
        ended: { ...ended },
        active: server.ctx.runs.activeCount,
        openStreams: server.ctx.streams.open,
      };
    },
  });
  reply({ type: 'ready', url: await server.listen() });
} catch (error) {
  rmSync(scratch, { recursive: true, force: true });
  reply({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
