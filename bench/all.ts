/**
 * `npm run bench [-- --quick]`: every benchmark, one after the other, so none disturbs another:
 * throughput (bench/run.ts), the event bus (bench/bus.ts), the issue-8 scenarios
 * (bench/scenarios/main.ts), then the soak (bench/soak.ts, half an hour unless --quick). A part
 * that fails does not stop the others; the exit code says whether all passed.
 */
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--quick' && a !== '--profile');
if (unknown.length > 0) {
  console.error(`unknown argument ${unknown.join(' ')}; use --quick and/or --profile`);
  process.exit(2);
}
const quick = args.includes('--quick') ? ['--quick'] : [];
const parts: Array<[string, string[]]> = [
  ['bench/run.ts', args],
  ['bench/bus.ts', quick],
  ['bench/scenarios/main.ts', quick],
  ['bench/soak.ts', quick],
];
const failed: string[] = [];
for (const [script, scriptArgs] of parts) {
  console.log(`\n=== ${script} ${scriptArgs.join(' ')}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...scriptArgs], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed.push(`${script} (${result.signal ?? `exit ${result.status}`})`);
}
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(', ')}`);
  process.exit(1);
}
