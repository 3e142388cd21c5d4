'use strict';
// Installs and runs the embedded database: FerretDB 1.24 (MongoDB wire protocol, SQLite storage).
// Plain CommonJS with no dependencies, so `npm start` / `npm test` can use it before `npm install`.
//
// Why not `go install …@v1.24.2`: the Go module proxy here answers 403 for the module's version list,
// which `go install pkg@version` reads to check for deprecation, and the published module zip lacks the
// generated build/version/version.txt, so a binary built from it panics at start. We download the exact
// module version (pinned by the checksum database / go.sum), write the version file, and `go build`.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_COMMIT = 'cda72d440810406a208c4670aa7047f5bc8d528f';
const ROOT = path.resolve(__dirname, '..', '..');
const TOOLS = path.join(ROOT, '.tools');
const BINARY = path.join(TOOLS, 'bin', 'ferretdb');
// Our own small patches to FerretDB's source, applied before building (see scripts/patches/README.md).
const PATCH_DIR = path.join(ROOT, 'scripts', 'patches');
const PATCH_STAMP = `${BINARY}.patches`;

function patchFiles() {
  if (!fs.existsSync(PATCH_DIR)) return [];
  return fs
    .readdirSync(PATCH_DIR)
    .filter((name) => name.endsWith('.patch'))
    .sort()
    .map((name) => path.join(PATCH_DIR, name));
}

/** Names the patch set a binary was built with, so a changed patch rebuilds FerretDB. */
function patchesId() {
  const h = require('node:crypto').createHash('sha256');
  for (const file of patchFiles()) {
    h.update(path.basename(file));
    h.update(fs.readFileSync(file));
  }
  return `${FERRETDB_VERSION} ${h.digest('hex')}`;
}

function builtWithPatches() {
  try {
    return fs.readFileSync(PATCH_STAMP, 'utf8').trim() === patchesId();
  } catch {
    return false;
  }
}

function installedVersion(binary = BINARY) {
  if (!fs.existsSync(binary)) return null;
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8', env: { ...process.env, DO_NOT_TRACK: '1' } });
  const m = /version:\s*(v\S+)/.exec(r.stdout || '');
  return m ? m[1] : null;
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${(r.stderr || '').slice(-4000)}`);
  return r.stdout;
}

/** Builds FerretDB into .tools/bin when it is missing or another version. Returns the binary's path. */
function ensureFerretdb({ log = console.log } = {}) {
  if (installedVersion() === FERRETDB_VERSION && builtWithPatches()) return BINARY;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new Error(
      'FerretDB is not built and Go is not installed: install Go ≥ 1.24 (https://go.dev/dl/), or set MONGODB_URI to a MongoDB you run yourself.',
    );
  }
  log(`[setup] building FerretDB ${FERRETDB_VERSION} into .tools/bin (first time only, a few minutes on 2 cores)…`);
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
  const info = JSON.parse(
    run('go', ['mod', 'download', '-json', `github.com/FerretDB/FerretDB@${FERRETDB_VERSION}`], { env, cwd: TOOLS_ready() }),
  );
  if (info.Error) throw new Error(`go mod download: ${info.Error}`);
  const src = path.join(TOOLS, 'build', `ferretdb-${FERRETDB_VERSION}`);
  fs.rmSync(src, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(src), { recursive: true });
  fs.cpSync(info.Dir, src, { recursive: true });
  makeWritable(src);
  fs.writeFileSync(path.join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
  fs.writeFileSync(path.join(src, 'build', 'version', 'commit.txt'), `${FERRETDB_COMMIT}\n`);
  for (const file of patchFiles()) {
    log(`[setup] applying ${path.relative(ROOT, file)}`);
    // GIT_CEILING_DIRECTORIES: the source sits inside our checkout; git must patch it as plain files.
    run('git', ['apply', '--whitespace=nowarn', '-p1', file], {
      cwd: src,
      env: { ...process.env, GIT_CEILING_DIRECTORIES: path.dirname(src) },
    });
  }
  fs.mkdirSync(path.dirname(BINARY), { recursive: true });
  const tmp = `${BINARY}.tmp-${process.pid}`;
  // -buildvcs=false: the source sits inside our own git checkout, whose commit FerretDB would take for its own.
  run('go', ['build', '-trimpath', '-buildvcs=false', '-o', tmp, './cmd/ferretdb'], {
    cwd: src,
    env: { ...env, GOFLAGS: '-mod=readonly' },
  });
  fs.renameSync(tmp, BINARY); // atomic: a build killed half-way never leaves a broken binary behind
  fs.writeFileSync(PATCH_STAMP, `${patchesId()}\n`);
  fs.rmSync(src, { recursive: true, force: true });
  const v = installedVersion();
  if (v !== FERRETDB_VERSION) {
    fs.rmSync(BINARY, { force: true });
    throw new Error(`built FerretDB reports version ${v}, expected ${FERRETDB_VERSION}`);
  }
  log(`[setup] FerretDB ${v} ready`);
  return BINARY;
}

function TOOLS_ready() {
  fs.mkdirSync(TOOLS, { recursive: true });
  return TOOLS;
}

function makeWritable(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    fs.chmodSync(p, entry.isDirectory() ? 0o755 : 0o644);
    if (entry.isDirectory()) makeWritable(p);
  }
  fs.chmodSync(dir, 0o755);
}

/** Asks the OS for a free loopback port. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * SQLite's `synchronous` for the embedded database (FERRETDB_SQLITE_SYNCHRONOUS, default `normal`). In WAL mode
 * (FerretDB's), `normal` syncs the log at checkpoints instead of at every commit: a process killed at any point
 * loses nothing (the operating system keeps what was written), a power cut or kernel crash may lose the last
 * commits but never corrupts the database; single-document writes are about twice as fast on this kind of
 * machine (README, "The embedded database"). `full` syncs every commit.
 */
function sqliteSynchronous() {
  const value = (process.env.FERRETDB_SQLITE_SYNCHRONOUS || 'normal').toLowerCase();
  if (value !== 'normal' && value !== 'full') throw new Error(`FERRETDB_SQLITE_SYNCHRONOUS must be normal or full, not ${value}`);
  return value;
}

/**
 * Starts FerretDB on 127.0.0.1 with its SQLite files in dataDir and waits until it accepts connections.
 * Telemetry is off (flag and DO_NOT_TRACK); the debug listener is disabled so instances never clash.
 * @returns {Promise<{ uri: string, port: number, pid: number, stop: () => Promise<void>, exited: Promise<number|null> }>}
 */
async function startFerretdb({ dataDir, port = 0, logFile, binary = BINARY, timeoutMs = 20000 } = {}) {
  if (!dataDir) throw new Error('startFerretdb: dataDir is required');
  fs.mkdirSync(dataDir, { recursive: true });
  const chosen = port || (await freePort());
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${path.resolve(dataDir)}/?_pragma=synchronous(${sqliteSynchronous()})`,
    `--state-dir=${path.resolve(dataDir)}`,
    `--listen-addr=127.0.0.1:${chosen}`,
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=warn',
  ];
  const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  // GOGC=400: FerretDB's live heap is small (tens of MB) but every query decodes whole documents into
  // short-lived garbage; collecting at 5× the live heap instead of 2× gave 1.3–1.4× the findOne rate at
  // 50 connections for ~20 MB more memory (README, "The embedded database"). A GOGC of the caller's wins.
  const env = { GOGC: '400', ...process.env, DO_NOT_TRACK: '1' };
  const child = spawn(binary, args, { stdio: ['ignore', out, out], env });
  if (typeof out === 'number') fs.closeSync(out);
  let exitCode;
  const exited = new Promise((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  child.once('error', () => {
    exitCode = -1;
  });
  const deadline = Date.now() + timeoutMs;
  while (!(await canConnect(chosen))) {
    if (exitCode !== undefined)
      throw new Error(
        `FerretDB exited with code ${exitCode} before listening on 127.0.0.1:${chosen}${logFile ? ` (log: ${logFile})` : ''}`,
      );
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`FerretDB did not listen on 127.0.0.1:${chosen} within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = async () => {
    if (exitCode !== undefined) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  return { uri: `mongodb://127.0.0.1:${chosen}/`, port: chosen, pid: child.pid, stop, exited };
}

module.exports = { FERRETDB_VERSION, BINARY, patchFiles, ensureFerretdb, startFerretdb, freePort, installedVersion };
