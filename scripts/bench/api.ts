// `npm run bench:api`: what the BFF's HTTP stack costs against the libraries it stands on. In one run,
// interleaved round by round: bare node:http and bare Koa hello-worlds (the references), then the BFF's
// /healthz, the guide (no database) and a 404. Each server is a process of its own (so each gets a core,
// as the BFF does in production); autocannon drives them over loopback from this process.
//
// The BFF runs as production does: NODE_ENV=production, LOG_LEVEL=info, its log on its normal destination
// (stdout), here sent to a file, whose lines are counted afterwards (one per request, or the run is void).
// It needs a database to start, so a throw-away FerretDB is started; none of the measured routes reads it.
//
// Bounded: BENCH_API_SECONDS per target (default 5) × BENCH_API_ROUNDS (default 3) at BENCH_API_CONNECTIONS
// (default 50). Not a test: it prints a table and writes it into the README between the bench:api markers.
// BENCH_API_PROFILE=<dir> also runs the BFF under `node --cpu-prof` and prints its hottest functions;
// BENCH_API_ONLY=<path> measures one BFF target (with the references).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { ensureFerretdb, freePort, startFerretdb } from '../lib/ferretdb.cjs';
import { topFunctions } from './cpu-profile';
import { productionEnvironment } from './production-env';

const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_API_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_API_CONNECTIONS ?? 50);
const PROFILE_DIR = process.env.BENCH_API_PROFILE ? path.resolve(process.env.BENCH_API_PROFILE) : undefined;
const TARGET_RATIO = 0.6;
const ROOT = path.resolve(__dirname, '..', '..');
const README = path.join(ROOT, 'README.md');
// What a phone's browser sends: the BFF may compress, the references never do.
const HEADERS = { 'accept-encoding': 'gzip, deflate, br', accept: 'application/json' };

type Target = { name: string; server: 'node' | 'koa' | 'bff'; path: string; status: number; reference?: boolean };
const ALL_TARGETS: Target[] = [
  { name: 'bare `node:http` hello-world', server: 'node', path: '/', status: 200, reference: true },
  { name: 'bare Koa hello-world (reference)', server: 'koa', path: '/', status: 200, reference: true },
  { name: 'BFF `GET /healthz`', server: 'bff', path: '/healthz', status: 200 },
  { name: 'BFF `GET /api/v1/guide`', server: 'bff', path: '/api/v1/guide', status: 200 },
  { name: 'BFF 404 (`GET /healthz/none`)', server: 'bff', path: '/healthz/none', status: 404 },
];
// BENCH_API_ONLY=/healthz (a path) measures the references and that BFF target only, e.g. to profile it.
const ONLY = process.env.BENCH_API_ONLY;
const TARGETS = ALL_TARGETS.filter((t) => !ONLY || t.reference || t.path === ONLY);

type Sample = { rps: number; p50: number; p99: number; bad: number; requests: number; cpuUs: number };

const TICKS_PER_SECOND = 100; // Linux's USER_HZ (getconf CLK_TCK)

/** CPU time (user + system) a process has used so far, in µs, from /proc (Linux). */
function cpuMicros(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function waitUntilAnswering(base: string, child: ChildProcess, what: string) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} before answering`);
    try {
      await fetch(`${base}/healthz`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${what} did not answer within 60 s`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

let bffRequests = 0;

/** Loads one server for `seconds`; also measures the CPU time its process spent per answer. */
async function load(url: string, seconds: number, pid: number, bff: boolean): Promise<Sample> {
  const cpuBefore = cpuMicros(pid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers: HEADERS });
  const cpu = cpuMicros(pid) - cpuBefore;
  if (bff) bffRequests += result.requests.total;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    bad: result.errors + result.timeouts,
    requests: result.requests.total,
    cpuUs: cpu / Math.max(1, result.requests.total),
  };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'birth-api-bench-'));
  const children: ChildProcess[] = [];
  let db: Awaited<ReturnType<typeof startFerretdb>> | undefined;
  try {
    ensureFerretdb();
    db = await startFerretdb({ dataDir: path.join(dir, 'db') });
    const ports = { node: await freePort(), koa: await freePort(), bff: await freePort() };
    const tsx = ['--import', 'tsx'];
    const env = { ...process.env, MALLOC_ARENA_MAX: '2' };
    for (const kind of ['node', 'koa'] as const) {
      children.push(
        spawn(process.execPath, [...tsx, path.join(__dirname, 'api-references.ts'), kind, String(ports[kind])], {
          cwd: ROOT,
          env,
          stdio: 'inherit',
        }),
      );
    }
    const logFile = path.join(dir, 'bff.log');
    const logFd = fs.openSync(logFile, 'w');
    const bff = spawn(
      process.execPath,
      [...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []), ...tsx, 'bff/src/start.ts'],
      {
        cwd: ROOT,
        stdio: ['ignore', logFd, 'inherit'],
        env: {
          ...env,
          ...productionEnvironment(),
          PORT: String(ports.bff),
          HOST: '127.0.0.1',
          MONGODB_URI: db.uri,
          MONGODB_DB: 'bench',
        },
      },
    );
    children.push(bff);
    fs.closeSync(logFd);
    const base = (kind: keyof typeof ports) => `http://127.0.0.1:${ports[kind]}`;
    const pids = { node: children[0].pid!, koa: children[1].pid!, bff: bff.pid! };
    await Promise.all((['node', 'koa', 'bff'] as const).map((k, i) => waitUntilAnswering(base(k), children[i], k)));

    // Every target answers what it should before anything is timed (these and the readiness probe count too).
    bffRequests = 1;
    for (const t of TARGETS) {
      if (t.server === 'bff') bffRequests += 1;
      const res = await fetch(`${base(t.server)}${t.path}`, { headers: HEADERS });
      if (res.status !== t.status) throw new Error(`${t.name} answered ${res.status}, expected ${t.status}`);
      await res.arrayBuffer();
    }
    process.stdout.write(
      `bench:api — ${ROUNDS} rounds × ${TARGETS.length} targets × ${SECONDS} s at ${CONNECTIONS} connections (plus a 1 s warm-up each)\n`,
    );
    for (const t of TARGETS) await load(`${base(t.server)}${t.path}`, 1, pids[t.server], t.server === 'bff');

    const measuredFrom = Number(process.hrtime.bigint() / 1000n);
    const samples = new Map<Target, Sample[]>(TARGETS.map((t) => [t, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const t of TARGETS) {
        const s = await load(`${base(t.server)}${t.path}`, SECONDS, pids[t.server], t.server === 'bff');
        samples.get(t)!.push(s);
        process.stdout.write(
          `  round ${round} ${t.name}: ${s.rps.toFixed(0)} req/s, p50 ${s.p50} ms, p99 ${s.p99} ms, ${s.cpuUs.toFixed(0)} µs CPU per request${s.bad ? `, ${s.bad} errors` : ''}\n`,
        );
      }
    }

    await Promise.all(children.map(stop));
    // Production logging was really on: one `request` line per BFF request (a stop flushes what is buffered).
    const requestLines = fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"msg":"request"')).length;

    const koa = TARGETS.find((t) => t.server === 'koa')!;
    const koaRps = median(samples.get(koa)!.map((s) => s.rps));
    const lines = [
      `| target | req/s | p50 ms | p99 ms | CPU µs per request | ratio to bare Koa (req/s) | target |`,
      `|---|---|---|---|---|---|---|`,
      ...TARGETS.map((t) => {
        const ss = samples.get(t)!;
        const rps = median(ss.map((s) => s.rps));
        const ratio = rps / koaRps;
        const bad = ss.reduce((n, s) => n + s.bad, 0);
        const goal = t.reference ? '–' : `≥ ${TARGET_RATIO.toFixed(2)} ${ratio >= TARGET_RATIO ? 'ok' : '**under**'}`;
        const cpu = median(ss.map((s) => s.cpuUs));
        return `| ${t.name}${bad ? ` (${bad} errors)` : ''} | ${Math.round(rps).toLocaleString('en')} | ${median(ss.map((s) => s.p50))} | ${median(ss.map((s) => s.p99))} | ${cpu.toFixed(0)} | **${ratio.toFixed(2)}** | ${goal} |`;
      }),
    ];
    const when = new Date().toISOString().slice(0, 10);
    const load1 = os.loadavg()[0].toFixed(1);
    const note =
      `Measured ${when} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}, load average ${load1} at the end; ` +
      `medians of ${ROUNDS} interleaved rounds of ${SECONDS} s at ${CONNECTIONS} connections, each server in its own process, ` +
      `requests with \`Accept-Encoding: gzip, deflate, br\`. The BFF ran with NODE_ENV=production and LOG_LEVEL=info, its log in a file: ` +
      `${requestLines.toLocaleString('en')} request lines for ${bffRequests.toLocaleString('en')} requests.`;
    const table = `${lines.join('\n')}\n\n${note}\n`;
    process.stdout.write(`\n${table}`);
    if (requestLines < bffRequests)
      process.stdout.write(`WARNING: ${bffRequests - requestLines} request lines missing from the log\n`);

    if (PROFILE_DIR) {
      // tsx's loader thread writes a small profile of its own: the main thread's is the largest.
      const main = fs
        .readdirSync(PROFILE_DIR)
        .filter((f) => f.endsWith('.cpuprofile') && f.includes(`.${bff.pid}.`))
        .map((f) => path.join(PROFILE_DIR, f))
        .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
      if (main) process.stdout.write(`\nBFF CPU profile during the rounds (${main}):\n${topFunctions(main, 30, measuredFrom)}\n`);
    }

    const readme = fs.readFileSync(README, 'utf8');
    const start = '<!-- bench:api -->';
    const end = '<!-- /bench:api -->';
    // A partial run (one target) or a profiled one (slower) does not replace the table.
    if (!ONLY && !PROFILE_DIR && readme.includes(start) && readme.includes(end)) {
      fs.writeFileSync(README, readme.replace(new RegExp(`${start}[\\s\\S]*?${end}`), `${start}\n${table}${end}`));
      process.stdout.write('(README updated)\n');
    }
  } finally {
    await Promise.all(children.map(stop));
    await db?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
