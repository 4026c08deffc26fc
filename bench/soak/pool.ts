/**
 * Runs `task` on `concurrency` workers, back to back, until `maxTasks` have started or the
 * deadline (a performance.now() value) has passed; tasks already started run to their end, so
 * each must bound its own time. `task` must not throw. Resolves with the number started.
 */
export async function runPool(
  options: { concurrency: number; maxTasks: number; deadline: number },
  task: (index: number) => Promise<void>,
): Promise<number> {
  let started = 0;
  const worker = async () => {
    while (started < options.maxTasks && performance.now() < options.deadline) {
      await task(started++);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return started;
}
