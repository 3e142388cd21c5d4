// `npm start` (after setup.mjs): the embedded FerretDB (unless MONGODB_URI is set), the BFF serving the
// API and the H5 build, and in development the department simulator. Ctrl-C stops all of them.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { startFerretdb } = require('./lib/ferretdb.cjs');
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, NODE_ENV: process.env.NODE_ENV || 'development', MALLOC_ARENA_MAX: '2' };
const children = [];
let db;
let stopping = false;

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children.reverse()) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => {
        const t = setTimeout(() => child.kill('SIGKILL'), 8000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
  if (db) await db.stop();
  process.exit(code);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

const logDir = path.join(ROOT, '.data', 'logs');
fs.mkdirSync(logDir, { recursive: true });

/**
 * The BFF logs JSON (pino): every line goes to .data/logs/<name>.log, and warnings and errors also to the
 * screen as one readable line, so the terminal shows what matters instead of every request.
 */
function routeOutput(name, stream) {
  const file = fs.createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
  let buffered = '';
  stream.on('data', (chunk) => {
    buffered += chunk;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!line.startsWith('{')) {
        console.log(line);
        continue;
      }
      file.write(`${line}\n`);
      try {
        const entry = JSON.parse(line);
        if (entry.level >= 40)
          console.log(
            `[${name}] ${entry.level >= 50 ? 'ERROR' : 'WARN'} ${entry.msg}${entry.years ? ` ${entry.years.join(',')}` : ''}`,
          );
      } catch {
        console.log(line);
      }
    }
  });
}

function run(name, args, extraEnv) {
  // `node --import tsx` is one process (the tsx CLI wraps a second), so SIGTERM reaches our own handlers.
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  routeOutput(name, child.stdout);
  children.push(child);
  child.once('exit', (code, signal) => {
    if (stopping) return;
    if (name === 'simulator') {
      console.error(`[start] department simulator stopped (${signal ?? code}); the BFF keeps running`);
      return;
    }
    stopAll(code === 0 ? 0 : (code ?? 1));
  });
  return child;
}

async function waitForHealth(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !stopping) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return true;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** One embedded database per data folder: a second `npm start` would open the same SQLite files. */
function lockDataFolder(dataDir) {
  const lock = path.join(dataDir, '..', 'ferretdb.pid');
  try {
    const pid = Number(fs.readFileSync(lock, 'utf8'));
    process.kill(pid, 0); // throws when no such process
    if (pid !== process.pid) {
      console.error(
        `[start] another npm start (pid ${pid}) is using .data/ferretdb: stop it first, or set MONGODB_URI to use another database.`,
      );
      process.exit(1);
    }
  } catch {
    // no lock, or a stale one from a process that died: ours now
  }
  fs.writeFileSync(lock, String(process.pid));
  process.on('exit', () => {
    try {
      if (Number(fs.readFileSync(lock, 'utf8')) === process.pid) fs.rmSync(lock);
    } catch {
      /* already gone */
    }
  });
}

if (!env.MONGODB_URI) {
  const dataDir = path.join(ROOT, '.data', 'ferretdb');
  fs.mkdirSync(dataDir, { recursive: true });
  lockDataFolder(dataDir);
  try {
    db = await startFerretdb({
      dataDir,
      port: Number(env.FERRETDB_PORT) || 0,
      logFile: path.join(ROOT, '.data', 'ferretdb.log'),
    });
  } catch (err) {
    console.error(`[start] the embedded database did not start: ${err.message}`);
    process.exit(1);
  }
  env.MONGODB_URI = db.uri;
  console.log(`[start] embedded FerretDB on ${db.uri} (data in .data/ferretdb)`);
}

const port = env.PORT || '3000';
run('bff', ['bff/src/start.ts'], { PORT: port });
const base = `http://127.0.0.1:${port}`;
if ((await waitForHealth(base, 60_000)) && env.NODE_ENV !== 'production' && env.SIMULATOR !== 'off') {
  if (fs.existsSync(path.join(ROOT, 'scripts', 'department-simulator.ts'))) {
    run('simulator', ['scripts/department-simulator.ts'], { BFF_URL: base });
  }
  console.log(
    `[start] open ${base}/ for the app${env.NODE_ENV !== 'production' ? `, ${base}/dev/inbox for what push and SMS would have sent` : ''}. Ctrl-C stops everything.`,
  );
}
