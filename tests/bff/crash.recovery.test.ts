// The BFF killed with SIGKILL in the middle of concurrent submits and restarted, and the database stopped
// for a few seconds mid-load, with clients that do what phones do: retry their own Idempotency-Key until
// they get an answer. Afterwards every client has its answer, every acknowledged application exists once
// and holds its newborn, and no application is half-written. Its own FerretDB (stopping the run's shared
// one would disturb other test files) and its own BFF processes, on loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import { loadConfig } from '../../config';
import { createApplicationsRepository } from '../../bff/src/components/applications/applications.repository';
import type { ApplicationDoc } from '../../bff/src/components/applications/application.model';
import { createFieldCrypto } from '../../bff/src/libraries/crypto';
import { createConnection } from '../../bff/src/libraries/mongo';
import { validApplication } from '../support/fixtures';

const { startFerretdb, freePort } = require('../../scripts/lib/ferretdb.cjs');

const ROOT = path.resolve(__dirname, '..', '..');
const TIMEOUT = 600_000; // process spawning on a loaded 2-core machine: generous, and the test waits on events

type Db = { uri: string; port: number; pid: number; stop(): Promise<void>; exited: Promise<number | null> };
let dataDir: string;
let db: Db;
let dbName: string;
let port: number;
let bff: { child: ChildProcess; exited: Promise<number | null> } | null = null;
const env = () => ({
  PATH: process.env.PATH ?? '',
  NODE_ENV: 'test',
  MONGODB_URI: db.uri,
  MONGODB_DB: dbName,
  PORT: String(port),
  STATIC_DIR: '',
  LOG_LEVEL: 'silent',
  // Stable across restarts, as in any deployment (test mode would pick a fresh one per process).
  JWT_SECRET: 'crash-test-secret-0123456789-abcdefghij',
  IDEMPOTENCY_LEASE_SECONDS: '2',
  RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
  RATE_LIMIT_PARENT_PER_MINUTE: '100000',
  RELAY_INTERVAL_MS: '200',
});

async function startBff(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bff/src/start.ts'], { cwd: ROOT, env: env() });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('listening on')) resolve();
    });
    child.stderr!.on('data', (d) => (out += d));
    void exited.then((code) => reject(new Error(`BFF exited (${code}) before listening: ${out}`)));
  });
  bff = { child, exited };
}

async function killBff(): Promise<void> {
  const current = bff!;
  bff = null;
  current.child.kill('SIGKILL');
  await current.exited;
}

const base = () => `http://127.0.0.1:${port}`;

/** One HTTP call; a refused or cut connection is `status: 0`. */
async function call(method: string, p: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
  try {
    const res = await fetch(`${base()}${p}`, {
      method,
      headers: {
        ...headers,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, retryAfter: res.headers.get('retry-after') };
  } catch {
    return { status: 0, body: undefined, retryAfter: null };
  }
}

type Seen = { statuses: number[] };
/** What a phone does: retry while there is no answer, a 5xx, or a 409 that says to retry; give up at the deadline. */
async function untilAnswered(seen: Seen, attempt: () => ReturnType<typeof call>) {
  const deadline = Date.now() + 240_000;
  for (let i = 0; ; i++) {
    const res = await attempt();
    seen.statuses.push(res.status);
    const retry = res.status === 0 || res.status >= 500 || (res.status === 409 && res.retryAfter !== null);
    if (!retry) return res;
    if (Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 200 * Math.min(i + 1, 5)));
  }
}

let births = 0;
/** A newborn of its own: the fixtures' ID numbers repeat after 50 parent pairs, so the birth minute differs. */
const newClient = (): Client => ({
  input: validApplication({ birthDateTime: new Date(Date.now() - 6 * 3600_000 - ++births * 60_000).toISOString() }),
  key: `k-${randomBytes(8).toString('hex')}`,
});

type Client = { input: ReturnType<typeof validApplication>; token?: string; id?: string; key: string; final?: number };

async function journey(client: Client, seen: Seen, onAcknowledged: () => void): Promise<void> {
  const login = await untilAnswered(seen, () =>
    call('POST', '/api/v1/auth/login', undefined, { platform: 'dev', code: `crash-${client.key}` }),
  );
  client.token = login.body.accessToken;
  const created = await untilAnswered(seen, () => call('POST', '/api/v1/applications', client.token, client.input));
  client.id = created.body.id;
  const submitted = await untilAnswered(seen, () =>
    call('POST', `/api/v1/applications/${client.id}/submit`, client.token, undefined, { 'idempotency-key': client.key }),
  );
  client.final = submitted.status;
  if (submitted.status === 202) onAcknowledged();
}

let connection: Connection;
let repo: ReturnType<typeof createApplicationsRepository>;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'birth-crash-'));
  db = await startFerretdb({ dataDir });
  dbName = `crash_${randomBytes(3).toString('hex')}`;
  port = await freePort();
  await startBff();
  const config = loadConfig({ ...env() });
  connection = createConnection(db.uri, dbName);
  repo = createApplicationsRepository(connection, createFieldCrypto(config.DATA_ENCRYPTION_KEY, config.BLIND_INDEX_KEY));
}, TIMEOUT);

afterAll(async () => {
  if (bff) await killBff();
  await connection?.close().catch(() => undefined);
  await db?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}, TIMEOUT);

/** Every application of the clients is whole: a draft, or submitted with everything a submit writes. */
async function checkWhole(clients: Client[]) {
  const owners = new Set<string>();
  for (const client of clients) {
    expect({ client: client.key, final: client.final }).toEqual({ client: client.key, final: 202 });
    const doc = (await repo.findById(client.id!)) as ApplicationDoc;
    owners.add(doc.ownerId);
    expect(doc.status).toBe('in_progress');
    expect(doc.submitKey).toBe(client.key);
    // It holds its newborn: the newest claim on its newborn key is its own.
    const { current } = await repo.newestNewbornClaim(doc.newbornKey!);
    expect(current?.applicationId).toBe(doc._id);
    expect(doc.newbornClaim).toBe(current?._id);
  }
  // No half-written application among everything these parents have.
  const all = await connection
    .collection<ApplicationDoc>('applications')
    .find({ ownerId: { $in: [...owners] } })
    .toArray();
  for (const raw of all) {
    const doc = (await repo.findById(raw._id))!;
    if (doc.status === 'draft') {
      expect(Object.keys(doc.items)).toHaveLength(0);
      expect(doc.data).toHaveProperty('mother');
    } else {
      expect(Object.keys(doc.items).length).toBeGreaterThan(0);
      expect(doc.timeline.some((t) => t.event === 'submit')).toBe(true);
      expect(doc.outbox.filter((o) => o.template === 'application_submitted')).toHaveLength(1);
    }
  }
  // Exactly one submitted application per client.
  expect(all.filter((d) => d.status !== 'draft')).toHaveLength(clients.length);
}

test(
  'when the BFF is killed with SIGKILL during concurrent submits and restarted, then every client gets its answer and every application is whole',
  async () => {
    const clients = Array.from({ length: 40 }, newClient);
    const seen: Seen = { statuses: [] };
    let acknowledged = 0;
    let killed!: () => void;
    const killWhen = new Promise<void>((r) => (killed = r));
    const load = Promise.all(clients.map((c) => journey(c, seen, () => ++acknowledged === 8 && killed())));
    await killWhen;
    await killBff();
    await startBff();
    await load;

    expect(seen.statuses).toContain(0); // the kill did cut requests
    expect(seen.statuses.filter((s) => s === 500)).toEqual([]);
    await checkWhole(clients);

    // The newborns stay held: another parent's application for five of them is refused.
    for (const client of clients.slice(0, 5)) {
      const login = await call('POST', '/api/v1/auth/login', undefined, { platform: 'dev', code: `other-${client.key}` });
      const draft = await call('POST', '/api/v1/applications', login.body.accessToken, client.input);
      const second = await call('POST', `/api/v1/applications/${draft.body.id}/submit`, login.body.accessToken, undefined, {
        'idempotency-key': `other-${client.key}`,
      });
      expect(second.status).toBe(409);
    }
  },
  TIMEOUT,
);

test(
  'when the database stops for a few seconds under load, then clients get 503 with Retry-After meanwhile, and every one is answered once it is back',
  async () => {
    const clients = Array.from({ length: 30 }, newClient);
    const seen: Seen = { statuses: [] };
    let acknowledged = 0;
    let stopNow!: () => void;
    const stopWhen = new Promise<void>((r) => (stopNow = r));
    const load = Promise.all(clients.map((c) => journey(c, seen, () => ++acknowledged === 5 && stopNow())));
    await stopWhen;
    // The database process dies; a few seconds later it is started again on the same files and port.
    process.kill(db.pid, 'SIGKILL');
    await db.exited;
    const outage = await call('GET', '/readyz');
    expect(outage.status).toBe(503);
    await new Promise((r) => setTimeout(r, 3000)); // the outage's length, not a wait for anything
    db = await startFerretdb({ dataDir, port: db.port });
    await load;

    expect(seen.statuses.filter((s) => s === 500)).toEqual([]);
    await checkWhole(clients);
    // The BFF came back by itself.
    expect((await call('GET', '/readyz')).status).toBe(200);
  },
  TIMEOUT,
);
