import type { ProcessStats, ServerCommand, ServerReply } from './ipc.ts';

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
 * The command loop every server child runs: answers `stats`, closes on `stop`, and exits when
 * the orchestrator goes away (the IPC channel closes), so no server outlives a benchmark.
 * `onInit` receives the `init` command (the baseline's frames).
 */
export function serveCommands(options: {
  close: () => Promise<void>;
  onInit?: (frames: string[]) => void;
}): void {
  if (!process.send) throw new Error('a bench server runs as a forked child of bench/run.ts');
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
    else if (message.type === 'init') options.onInit?.(message.frames);
  });
  process.on('disconnect', () => exit(0));
  process.on('SIGINT', () => exit(130));
  process.on('SIGTERM', () => exit(143));
}
