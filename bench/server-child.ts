import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { LoopDelay, ProcessStats, RunCounts, ServerCommand, ServerInit, ServerReply } from './ipc.ts';

/** Sends a reply to the orchestrator; a no-op once the IPC channel is gone. */
export function reply(message: ServerReply): void {
  if (process.connected) process.send?.(message);
}

export function processStats(): ProcessStats {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return { rss: memory.rss, heapUsed: memory.heapUsed, cpuUser: cpu.user, cpuSystem: cpu.system };
}

/**
 * Two full collections with a turn of the event loop between them, so objects freed by the
 * first one's finalizers go too. False when the process was not started with --expose-gc.
 */
async function collectGarbage(): Promise<boolean> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return true;
}

/** The monitor's window in milliseconds (it records nanoseconds). */
function loopDelay(histogram: IntervalHistogram): LoopDelay {
  const ms = (ns: number) => Math.round(ns / 1e3) / 1e3;
  return {
    p50: ms(histogram.percentile(50)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
    mean: ms(histogram.mean),
  };
}

function errorReply(error: unknown): ServerReply {
  return { type: 'error', message: error instanceof Error ? error.message : String(error) };
}

/**
 * The command loop every server child runs: answers `stats`, `gc` and `loop-delay` (the event
 * loop's delay, monitored from the start), closes on `stop`, and exits
 * when the orchestrator goes away (the IPC channel closes), so no server outlives a benchmark.
 * `onInit` receives the `init` command (the baseline's frames); `runCounts` answers `runs`.
 */
export function serveCommands(options: {
  close: () => Promise<void>;
  onInit?: (init: ServerInit) => void;
  runCounts?: () => Promise<RunCounts>;
}): void {
  if (!process.send) throw new Error('a bench server runs as a forked child of bench/run.ts');
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let closing = false;
  const exit = (code: number) => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(code), 5_000);
    force.unref();
    options.close().then(
      () => process.exit(code),
      () => process.exit(1),
    );
  };
  process.on('message', (message: ServerCommand) => {
    if (message.type === 'stats') reply({ type: 'stats', stats: processStats() });
    else if (message.type === 'stop') exit(0);
    else if (message.type === 'init') options.onInit?.(message);
    else if (message.type === 'loop-delay') {
      reply({ type: 'loop-delay', delay: loopDelay(delay) });
      delay.reset();
    } else if (message.type === 'gc') {
      void collectGarbage().then((collected) => reply({ type: 'gc', collected, stats: processStats() }));
    } else if (message.type === 'runs') {
      if (!options.runCounts) reply({ type: 'error', message: 'this server does not count runs' });
      else
        options.runCounts().then(
          (counts) => reply({ type: 'runs', counts }),
          (e) => reply(errorReply(e)),
        );
    }
  });
  process.on('disconnect', () => exit(0));
  process.on('SIGINT', () => exit(130));
  process.on('SIGTERM', () => exit(143));
}
