// Real processes for crash and outage tests: a FerretDB of the test's own (stopping the run's shared one
// would disturb other test files), BFF processes started as in production (`node --import tsx
// bff/src/start.ts`), and clients that do what phones and department systems do: retry their own
// Idempotency-Key or eventId until they get an answer.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from 'mongoose';
import type { RunningFerretdb } from '../../scripts/lib/ferretdb.cjs';
import type { ApplicationDoc } from '../../bff/src/components/applications/application.model';
import { createApplicationsRepository } from '../../bff/src/components/applications/applications.repository';
import { createFieldCrypto } from '../../bff/src/libraries/crypto';
import { createConnection } from '../../bff/src/libraries/mongo';
import { loadConfig } from '../../config';
import { validApplication } from './fixtures';

const { startFerretdb, freePort } = require('../../scripts/lib/ferretdb.cjs') as typeof import('../../scripts/lib/ferretdb.cjs');

const ROOT = path.resolve(__dirname, '..', '..');

/** A FerretDB on its own data folder that a test may kill and start again on the same files and port. */
export async function ownFerretdb(prefix: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `birth-${prefix}-`));
  let db: RunningFerretdb = await startFerretdb({ dataDir });
  return {
    get uri() {
      return db.uri;
    },
    /** The process dies at once (SIGKILL), as in a crash or a lost host. */
    async kill() {
      process.kill(db.pid, 'SIGKILL');
      await db.exited;
    },
    async restart() {
      db = await startFerretdb({ dataDir, port: db.port });
    },
    async dispose() {
      await db.stop().catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type OwnFerretdb = Awaited<ReturnType<typeof ownFerretdb>>;

/**
 * The environment of a BFF process: test mode on the given database, the limits out of the way (they have
 * their own tests) and a JWT secret stable across restarts, as in any deployment.
 */
export function bffEnvironment(uri: string, dbName: string, port: number, extra: Record<string, string> = {}) {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    MONGODB_URI: uri,
    MONGODB_DB: dbName,
    PORT: String(port),
    STATIC_DIR: '',
    LOG_LEVEL: 'silent',
    JWT_SECRET: 'crash-test-secret-0123456789-abcdefghij',
    IDEMPOTENCY_LEASE_SECONDS: '2',
    // Photos have their own tests; these clients submit forms only.
    SUBMIT_REQUIRES_ID_MATERIALS: 'false',
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
    RATE_LIMIT_PARENT_PER_MINUTE: '100000',
    RELAY_INTERVAL_MS: '200',
    // As the in-process test server: notices one by one, at any hour (combining and quiet hours have their tests).
    NOTICE_COMBINE_WINDOW_SECONDS: '0',
    SMS_QUIET_HOURS: 'off',
    DEV_PUSH_WITHOUT_SUBSCRIPTION: 'true',
    SMS_REQUIRE_CONFIRMED_PHONE: 'false',
    ...extra,
  };
}

/** One BFF process on a fixed port; `start` again after `kill` is the restart of a crashed replica. */
export async function bffProcess(env: (port: number) => Record<string, string>) {
  const port = await freePort();
  let current: { child: ChildProcess; exited: Promise<number | null> } | null = null;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get pid() {
      return current?.child.pid;
    },
    get running() {
      return current !== null;
    },
    async start() {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bff/src/start.ts'], { cwd: ROOT, env: env(port) });
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
      current = { child, exited };
    },
    async kill() {
      const was = current;
      current = null;
      if (!was) return;
      was.child.kill('SIGKILL');
      await was.exited;
    },
  };
}

/**
 * The stack of a crash or outage test: its own FerretDB, one BFF process on it, and a connection and
 * applications repository of the test's own to look at what was written. `dispose` stops all of it.
 */
export async function ownBffStack(prefix: string) {
  const db = await ownFerretdb(prefix);
  const dbName = `${prefix}_${randomBytes(3).toString('hex')}`;
  const bff = await bffProcess((port) => bffEnvironment(db.uri, dbName, port));
  await bff.start();
  const config = loadConfig(bffEnvironment(db.uri, dbName, bff.port));
  const connection = createConnection(db.uri, dbName);
  const repo = createApplicationsRepository(connection, createFieldCrypto(config.DATA_ENCRYPTION_KEY, config.BLIND_INDEX_KEY));
  return {
    db,
    bff,
    connection,
    repo,
    async dispose() {
      await bff.kill();
      await connection.close().catch(() => undefined);
      await db.dispose();
    },
  };
}

export type OwnBffStack = Awaited<ReturnType<typeof ownBffStack>>;

export type Answer = { status: number; body: any; retryAfter: string | null };

/** One HTTP call with a client's time limit; a refused, cut or timed-out connection is `status: 0`. */
export async function call(
  base: string,
  method: string,
  p: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<Answer> {
  try {
    const res = await fetch(`${base}${p}`, {
      method,
      headers: {
        ...headers,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown = text || undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text for the report
    }
    return { status: res.status, body: parsed, retryAfter: res.headers.get('retry-after') };
  } catch {
    return { status: 0, body: undefined, retryAfter: null };
  }
}

export type Seen = { statuses: number[]; answers?: (Answer & { what: string; at: number })[] };

/** What a phone does: retry while there is no answer, a 5xx, or a 409 that says to retry; give up at the deadline. */
export async function untilAnswered(
  seen: Seen,
  attempt: () => Promise<Answer>,
  what = '',
  deadlineMs = 240_000,
): Promise<Answer> {
  const deadline = Date.now() + deadlineMs;
  for (let i = 0; ; i++) {
    const res = await attempt();
    seen.statuses.push(res.status);
    seen.answers?.push({ ...res, what, at: Date.now() });
    const retry = res.status === 0 || res.status >= 500 || (res.status === 409 && res.retryAfter !== null);
    if (!retry) return res;
    if (Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 200 * Math.min(i + 1, 5)));
  }
}

export type Client = { input: ReturnType<typeof validApplication>; token?: string; id?: string; key: string; final?: number };

let births = 0;
/** A newborn of its own: the fixtures' ID numbers repeat after 50 parent pairs, so the birth minute differs. */
export const newClient = (): Client => ({
  input: validApplication({ birthDateTime: new Date(Date.now() - 6 * 3600_000 - ++births * 60_000).toISOString() }),
  key: `k-${randomBytes(8).toString('hex')}`,
});

/** A parent's whole way from login to an acknowledged submit, retrying as a phone does. */
export async function journey(base: () => string, client: Client, seen: Seen, onAcknowledged: () => void): Promise<void> {
  const login = await untilAnswered(
    seen,
    () => call(base(), 'POST', '/api/v1/auth/login', undefined, { platform: 'dev', code: `crash-${client.key}` }),
    'login',
  );
  client.token = login.body.accessToken;
  const created = await untilAnswered(
    seen,
    () => call(base(), 'POST', '/api/v1/applications', client.token, client.input),
    'create',
  );
  client.id = created.body.id;
  const submitted = await untilAnswered(
    seen,
    () =>
      call(base(), 'POST', `/api/v1/applications/${client.id}/submit`, client.token, undefined, {
        'idempotency-key': client.key,
      }),
    'submit',
  );
  client.final = submitted.status;
  if (submitted.status === 202) onAcknowledged();
}

type ApplicationsRepository = ReturnType<typeof createApplicationsRepository>;

/** Every application of the clients is whole: a draft, or submitted with everything a submit writes. */
export async function checkWhole(connection: Connection, repo: ApplicationsRepository, clients: Client[]): Promise<void> {
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
