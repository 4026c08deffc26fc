/**
 * `node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]`: where a V8 CPU profile
 * (from `npm run bench -- --profile`) spends its time, as self time per function and per source
 * (a project file, or a package under node_modules, or node's internals).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: bench/profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));

/** Self time per node id, microseconds. */
const self = new Map<number, number>();
profile.samples.forEach((id, i) => {
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);

function source(url: string): string {
  if (!url) return '(native or idle)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return 'node internals';
  const src = url.indexOf('/src/');
  return src === -1 ? url.replace(/^file:\/\//, '') : url.slice(src + 1);
}

function add(map: Map<string, number>, key: string, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

/** The innermost frame of this project (src/) on the sample's stack: who asked for the work. */
function owner(id: number): string {
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = byId.get(at)?.callFrame;
    if (frame?.url.includes('/src/') && !frame.url.includes('/node_modules/')) {
      return `${frame.functionName || '(anonymous)'}  ${source(frame.url)}:${frame.lineNumber + 1}`;
    }
  }
  const frame = byId.get(id)?.callFrame;
  return frame && !frame.url ? frame.functionName : '(outside src/)';
}

const byFunction = new Map<string, number>();
const byOwner = new Map<string, number>();
const bySource = new Map<string, number>();
for (const [id, us] of self) {
  const node = byId.get(id);
  if (!node) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = source(url);
  add(byFunction, `${functionName || '(anonymous)'}  ${where}${url ? `:${lineNumber + 1}` : ''}`, us);
  add(bySource, where, us);
  add(byOwner, owner(id), us);
}

function print(title: string, map: Map<string, number>): void {
  console.log(`\n${title}`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`,
    );
  }
}

console.log(`${(total / 1e6).toFixed(1)} s sampled`);
print('self time by source', bySource);
print('self time by function', byFunction);
print('time by the innermost src/ function on the stack (library time charged to its caller)', byOwner);
