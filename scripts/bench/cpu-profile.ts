// Reads a V8 CPU profile (`node --cpu-prof`) and lists the functions with the most self time, as a share
// of the busy time (everything but `(idle)`). Used by `npm run bench:api` with BENCH_API_PROFILE, and on
// its own: node --import tsx scripts/bench/cpu-profile.ts <file.cpuprofile> [count]
import fs from 'node:fs';
import path from 'node:path';

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
};
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number };

/** Where a script comes from, short: the package for node_modules, the repo path for ours. */
function origin(url: string): string {
  if (!url) return '';
  const p = url.replace(/^file:\/\//, '');
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = p.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (p.startsWith('node:')) return p;
  return path.relative(path.resolve(__dirname, '..', '..'), p);
}

/**
 * The `count` functions with the most self time, one line each: share of busy time, name, origin.
 * `sinceMicros` (the monotonic clock of process.hrtime, in µs, which V8's profile timestamps share on
 * Linux) leaves out what came before, e.g. the start-up.
 */
export function topFunctions(file: string, count = 20, sinceMicros = 0): string {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let idle = 0;
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    const node = byId.get(id);
    if (!node || at < sinceMicros) return;
    total += dt;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += dt;
      return;
    }
    const key = `${functionName || '(anonymous)'}  ${origin(url)}${url ? `:${lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const busy = total - idle;
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, count);
  const header = `busy ${(busy / 1e6).toFixed(1)} s of ${(total / 1e6).toFixed(1)} s sampled (${((100 * busy) / total).toFixed(0)}%); self time as % of busy:`;
  return [header, ...rows.map(([k, v]) => `${((100 * v) / busy).toFixed(1).padStart(5)}%  ${k}`)].join('\n');
}

if (require.main === module) {
  const [file, count] = process.argv.slice(2);
  if (!file) throw new Error('usage: cpu-profile.ts <file.cpuprofile> [count]');
  process.stdout.write(`${topFunctions(file, Number(count ?? 30))}\n`);
}
