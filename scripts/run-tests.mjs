// Runs every *.test.ts under src/, test/ and bench/ with node's test runner through tsx.
// Node 20's `--test` takes no globs, so the files are found here. Arguments filter by path
// substring: `npm test -- src/sse` runs only the tests whose path contains "src/sse".
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  let found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') found = found.concat(findTests(path));
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

const filters = process.argv.slice(2);
const files = ['src', 'test', 'bench']
  .filter((dir) => existsSync(dir))
  .flatMap((dir) => findTests(dir))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched', filters);
  process.exit(1);
}
// The console's browser tests and the OpenAPI test read the built page.
const built = spawnSync(process.execPath, ['scripts/ensure-web.mjs'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...files],
  { stdio: 'inherit' },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
