// `npm run bench:scale`: does the embedded database hold a province's volume? Not a test (timings vary by
// machine); prints a table and the query plans of the hot queries.
//
// Seeding: a handful of real applications are made through the API and taken by departments through
// real events to five stages (just submitted, accepted, birth certificate done, household registration
// done, finished). The seed then copies those documents with fresh ids and owners, their dates shifted to
// the day of the copy, and writes what the write path writes beside them (owner slot, newborn claim under
// a fresh random key, department queue marks). 70 days of applications at an even daily rate: the last 14
// days live (finished ones included), older ones in the archive, as the archive sweep leaves them. Each
// size then gets 500 more live applications just submitted, for the department events.
//
// At each size (BENCH_SIZES, default 1000,100000), in one run: the raw driver's findOne({_id}) as the
// reference, GET …/progress, GET /dept/tasks, draft + submit, a department event (accept), the relay
// draining 1,000 due notices, and the idle CPU of FerretDB + BFF with the relay polling.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { CommandStartedEvent, CommandSucceededEvent, Db } from 'mongodb';
import { loadConfig } from '../../config';
import type { ApplicationDoc } from '../../bff/src/components/applications/application.model';
import { QUEUE_MARK_MARGIN_MS, outboxDueKey, taskQueueKey } from '../../bff/src/components/applications/applications.repository';
import { createLogger } from '../../bff/src/libraries/logger';
import { createConnection } from '../../bff/src/libraries/mongo';
import { createComponents, createServer } from '../../bff/src/server';
import { ensureFerretdb, startFerretdb } from '../lib/ferretdb.cjs';
import { departmentToken, idNumber, loginParent, submittedApplication, validApplication } from '../../tests/support/fixtures';
import { api } from '../../tests/support/test-server';
import { topFunctions } from './cpu-profile';
import { httpClient, loadInWorker, type Call, type Result } from './load-client';

const SIZES = (process.env.BENCH_SIZES ?? '1000,100000').split(',').map(Number);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
/** A queue page reads 50 applications: fewer requests keep the run short. */
const TASK_REQUESTS = Number(process.env.BENCH_TASK_REQUESTS ?? 300);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SUBMITS = Number(process.env.BENCH_SUBMITS ?? 300);
const EVENTS = 500;
/** BENCH_PROFILE=1: also time one queue page per department alone, with its commands; `only`: nothing else. */
const PROFILE = process.env.BENCH_PROFILE;
/** BENCH_READS_ONLY=1: only the reference and progress at each size (a quick look at the read path). */
const READS_ONLY = !!process.env.BENCH_READS_ONLY;
/** BENCH_CPU_PROFILE=1: a CPU profile of this process (BFF and client) during the progress case; prints its top functions. */
const CPU_PROFILE = !!process.env.BENCH_CPU_PROFILE;
const commands: { name: string; ms: number }[] = [];
const DAYS = 70;
const LIVE_DAYS = 14;
const DAY = 86400_000;

type Stage = 'submitted' | 'accepted' | 'birth_done' | 'hukou_done' | 'finished';

const subOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub as string;

/** Every Date in a document moved by `delta` ms (a copy made "on another day"). */
function shiftDates<T>(value: T, delta: number): T {
  if (value instanceof Date) return new Date(value.getTime() + delta) as T;
  if (Array.isArray(value)) return value.map((v) => shiftDates(v, delta)) as T;
  // Plain objects only: sealed values (BSON Binary) and the like are copied as they are.
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shiftDates(v, delta)])) as T;
  return value;
}

/** Real applications at each stage, made through the API. */
async function makeTemplates(base: string, db: Db, drain: () => Promise<unknown>): Promise<Record<Stage, ApplicationDoc>> {
  const t = {
    hospital: await departmentToken(base, 'hospital'),
    police: await departmentToken(base, 'police'),
    medical_insurance: await departmentToken(base, 'medical_insurance'),
    social_security: await departmentToken(base, 'social_security'),
  };
  const event = async (dept: keyof typeof t, taskId: string, body: Record<string, unknown>) => {
    const res = await api(base, 'POST', `/api/v1/dept/tasks/${taskId}/events`, {
      token: t[dept],
      body: { eventId: `tpl-${randomUUID()}`, ...body },
    });
    if (res.status !== 200) throw new Error(`template event ${body.type}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  const stages: Stage[] = ['submitted', 'accepted', 'birth_done', 'hukou_done', 'finished'];
  const ids: Partial<Record<Stage, string>> = {};
  for (const [n, stage] of stages.entries()) {
    const input = validApplication();
    const { id } = await submittedApplication(base, input);
    ids[stage] = id;
    if (n < 1) continue;
    await event('hospital', `${id}.birth_certificate`, { type: 'accept' });
    if (n < 2) continue;
    await event('hospital', `${id}.birth_certificate`, { type: 'complete', outputs: { certificateNumber: 'Q330012345' } });
    if (n < 3) continue;
    const chinaDay = new Date(new Date(input.newborn.birthDateTime).getTime() + 8 * 3600_000)
      .toISOString()
      .slice(0, 10)
      .replace(/-/g, '');
    await event('police', `${id}.hukou_registration`, { type: 'accept' });
    await event('police', `${id}.hukou_registration`, {
      type: 'complete',
      outputs: { newbornIdNumber: idNumber(chinaDay, 'female'), hukouBookletNumber: 'HK20261122001' },
    });
    if (n < 4) continue;
    await event('medical_insurance', `${id}.medical_insurance`, { type: 'accept' });
    await event('medical_insurance', `${id}.medical_insurance`, {
      type: 'complete',
      outputs: { insuranceNumber: 'YB3301000001' },
    });
    await event('social_security', `${id}.social_security_card`, { type: 'accept' });
    await event('social_security', `${id}.social_security_card`, { type: 'complete', outputs: { cardNumber: 'SSC0000000001' } });
    await event('hospital', `${id}.vaccination_certificate`, { type: 'accept' });
    await event('hospital', `${id}.vaccination_certificate`, { type: 'complete', outputs: { certificateNumber: 'V330012345' } });
    await event('hospital', `${id}.vaccination_certificate`, {
      type: 'ready_for_pickup',
      place: '杭州市民中心',
      hours: '工作日 9:00-17:00',
    });
    await event('hospital', `${id}.vaccination_certificate`, { type: 'deliver' });
    for (const [dept, key] of [
      ['hospital', 'birth_certificate'],
      ['police', 'hukou_registration'],
      ['social_security', 'social_security_card'],
    ] as const) {
      await event(dept, `${id}.${key}`, { type: 'ship', carrier: 'EMS', trackingNumber: `EMS${key.length}0001` });
      await event(dept, `${id}.${key}`, { type: 'deliver' });
    }
  }
  await drain(); // every notice delivered: copies carry no pending entries
  const out = {} as Record<Stage, ApplicationDoc>;
  for (const stage of stages) out[stage] = (await db.collection<ApplicationDoc>('applications').findOne({ _id: ids[stage]! }))!;
  if (out.finished.status !== 'completed') throw new Error(`finished template is ${out.finished.status}`);
  return out;
}

/** The stage of an application submitted `ageDays` ago (items take up to a working day each). */
function stageAt(ageDays: number, i: number): Stage {
  if (ageDays < 1) return i % 2 ? 'submitted' : 'accepted';
  if (ageDays < 2) return 'birth_done';
  if (ageDays < 4) return 'hukou_done';
  return 'finished';
}

const QUEUED = new Set(['dispatched', 'accepted', 'rejected', 'completed', 'shipped', 'ready_for_pickup']);

/** Copies templates until the database holds `target` applications (live + archived); returns live copies by stage. */
async function seed(
  db: Db,
  templates: Record<Stage, ApplicationDoc>,
  from: number,
  target: number,
  owners: string[],
  submittedToday = false,
) {
  const now = Date.now();
  // Spread over DAYS, or (submittedToday) all within the last hours, so all are live and just submitted.
  const perDay = submittedToday ? target * 4 : target / DAYS;
  const batches: Record<string, object[]> = {};
  const flush = async (collection: string) => {
    const docs = batches[collection];
    batches[collection] = [];
    if (docs?.length) await db.collection(collection).insertMany(docs as never[], { ordered: false });
  };
  const put = async (collection: string, doc: object) => {
    (batches[collection] ??= []).push(doc);
    if (batches[collection].length >= 500) await flush(collection);
  };
  const live: Record<Stage, string[]> = { submitted: [], accepted: [], birth_done: [], hukou_done: [], finished: [] };
  // Kept here rather than counted afterwards: on FerretDB a count or a filter reads the whole collection.
  const owned: { _id: string; ownerId: string }[] = [];
  let archived = 0;
  for (let n = from; n < target; n++) {
    const ageDays = (target - 1 - n) / perDay; // n = target-1 is newest
    const stage = submittedToday ? 'submitted' : stageAt(ageDays, n);
    const template = templates[stage];
    const submittedAt = new Date(now - ageDays * DAY);
    const copy = shiftDates(structuredClone(template), submittedAt.getTime() - template.submittedAt!.getTime());
    copy._id = randomUUID();
    // Every 50th application belongs to one of the bench's parents (whose progress is read), or every one
    // in a small seed: at 1,000 every 50th left about two live ones, so the progress case was 50 connections
    // of one or two parents racing for their own request-limit slots.
    const step = Math.min(50, Math.max(1, Math.floor(target / 2000)));
    copy.ownerId = owners.length && n % step === 0 ? owners[(n / step) % owners.length] : `seed-parent-${copy._id}`;
    copy.newbornKey = `seed-${randomUUID()}`;
    const isLive = ageDays < LIVE_DAYS;
    await put('application_owners', {
      _id: `${copy.ownerId}:${copy.ownerId.startsWith('seed-') ? 0 : n}`,
      applicationId: copy._id,
      createdAt: copy.createdAt,
    });
    await put('newborn_claims', { _id: copy.newbornKey, applicationId: copy._id, createdAt: submittedAt });
    if (!isLive) {
      await put('applications_archive', {
        ...copy,
        version: copy.version + 1,
        archivedAt: new Date(submittedAt.getTime() + 5 * DAY),
      });
      archived++;
      continue;
    }
    await put('applications', copy);
    live[stage].push(copy._id);
    if (!copy.ownerId.startsWith('seed-')) owned.push({ _id: copy._id, ownerId: copy.ownerId });
    for (const dept of new Set(
      Object.values(copy.items)
        .filter((it) => it && QUEUED.has(it.state) && !(it.state === 'completed' && it.department === 'medical_insurance'))
        .map((it) => it!.department),
    ))
      await put(`task_queue_${dept}`, { _id: taskQueueKey(submittedAt, copy._id), submittedAt, markedAt: submittedAt });
  }
  for (const collection of Object.keys(batches)) await flush(collection);
  return { live, owned, archived };
}

function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100 per second)
}

async function main() {
  ensureFerretdb();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'birth-scale-'));
  const ferret = await startFerretdb({ dataDir: dir });
  const config = loadConfig({
    NODE_ENV: 'test',
    MONGODB_URI: PROFILE ? `${ferret.uri}?monitorCommands=true` : ferret.uri,
    MONGODB_DB: 'scale',
    LOG_LEVEL: 'silent',
    STATIC_DIR: '',
    RELAY_ENABLED: 'false',
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
    RATE_LIMIT_PARENT_PER_MINUTE: '100000',
    // Seeding 100,000 takes longer than the default 15-minute token: the longest allowed, for the whole run.
    ACCESS_TOKEN_TTL_SECONDS: '3600',
    // The photos are not what this bench measures (bench:photos does): submits need no ID-card photos here.
    SUBMIT_REQUIRES_ID_MATERIALS: 'false',
  });
  const logger = process.env.BENCH_DEBUG
    ? createLogger({ level: 'warn', destination: fs.createWriteStream('/tmp/bench-bff.log') })
    : createLogger({ level: 'silent' });
  const connection = createConnection(config.MONGODB_URI, config.MONGODB_DB);
  if (PROFILE) {
    const started = new Map<number, string>();
    connection.getClient().on('commandStarted', (e: CommandStartedEvent) => {
      started.set(e.requestId, `${e.commandName} ${String(e.command[e.commandName])}`);
    });
    connection.getClient().on('commandSucceeded', (e: CommandSucceededEvent) => {
      commands.push({ name: started.get(e.requestId) ?? e.commandName, ms: e.duration });
      started.delete(e.requestId);
    });
  }
  const deps = { config, logger, connection };
  const components = createComponents(deps);
  const server = http.createServer(createServer(deps, components).callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = httpClient(base, CONNECTIONS);
  await connection.asPromise();
  const db = connection.getClient().db(config.MONGODB_DB);
  // Until nothing is due: a round can deliver nothing while it clears marks whose re-check came due.
  const drain = async () => {
    let delivered = 0;
    for (let round = 0; round < 10_000; round++) {
      const r = await components.relay.runOnce();
      delivered += r.delivered;
      if (!r.delivered && !r.retried && !(await components.applicationsRepo.findOutboxDue(new Date(), 1)).length) break;
    }
    return delivered;
  };

  const rows: Record<string, string | number>[] = [];
  const summary: Record<number, Record<string, number>> = {};
  try {
    process.stdout.write('making template applications through the API…\n');
    const templates = await makeTemplates(base, db, drain);
    const parents = await Promise.all(Array.from({ length: 200 }, () => loginParent(base)));
    const owners = parents.map(subOf);
    const tokenOf = new Map(owners.map((o, i) => [o, parents[i]]));
    let hospital = '';
    let tokens: string[] = [];
    let seeded = 0;
    let liveCount = 5; // the templates
    let archived = 0;
    const owned: { _id: string; ownerId: string }[] = [];
    for (const size of SIZES) {
      const t0 = Date.now();
      const main = await seed(db, templates, seeded, size - EVENTS, owners);
      const fresh = (await seed(db, templates, 0, EVENTS, [], true)).live;
      const live = main.live;
      seeded = size - EVENTS;
      owned.push(...main.owned);
      archived += main.archived;
      liveCount += Object.values(live).flat().length + Object.values(fresh).flat().length;
      process.stdout.write(
        `\nseeded ${size} (${liveCount} live, ${archived} archived) in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`,
      );
      const liveIds = Object.values(live).flat();
      // Fresh department tokens after each seed (a long seed outlives a token; parents' last the run).
      hospital = await departmentToken(base, 'hospital');
      tokens = await Promise.all(
        (['hospital', 'police', 'medical_insurance', 'social_security'] as const).map((d) => departmentToken(base, d)),
      );
      if (PROFILE) {
        // One page per department, alone, with the commands it sends and their time in the database.
        for (const [d, token] of tokens.entries()) {
          for (let n = 0; n < 3; n++) {
            commands.length = 0;
            const t = process.hrtime.bigint();
            const res = await client('GET', '/api/v1/dept/tasks', token);
            const ms = Number(process.hrtime.bigint() - t) / 1e6;
            const byName = new Map<string, { n: number; ms: number }>();
            for (const c of commands) {
              const e = byName.get(c.name) ?? { n: 0, ms: 0 };
              byName.set(c.name, { n: e.n + 1, ms: e.ms + c.ms });
            }
            const tasks = (JSON.parse(res.body) as { tasks?: unknown[] }).tasks?.length;
            const list = [...byName].map(([k, v]) => `${k}×${v.n} ${v.ms.toFixed(0)}ms`).join(', ');
            process.stdout.write(`  ${size} queue page, department ${d}: ${ms.toFixed(0)} ms, ${tasks} tasks; ${list}\n`);
          }
        }
        if (PROFILE === 'only') continue;
      }
      const row = (name: string, r: Result) => {
        process.stdout.write(`  ${size} ${name}: ${Math.round(r.rps)}/s p99 ${r.p99.toFixed(0)} ms\n`);
        rows.push({
          size,
          case: name,
          'ops/s': Math.round(r.rps),
          'p50 ms': +r.p50.toFixed(1),
          'p99 ms': +r.p99.toFixed(1),
          failures: r.failures,
        });
        (summary[size] ??= {})[name] = r.rps;
        summary[size][`${name} p99`] = r.p99;
      };
      const apps = db.collection<ApplicationDoc>('applications');
      row(
        'raw findOne({_id}) (reference)',
        await loadInWorker(REQUESTS, CONNECTIONS, {
          kind: 'findOne',
          uri: ferret.uri,
          db: config.MONGODB_DB,
          collection: 'applications',
          ids: Array.from({ length: REQUESTS }, (_, i) => liveIds[(i * 7919) % liveIds.length]),
        }),
      );
      const session = CPU_PROFILE ? new inspector.Session() : undefined;
      if (session) {
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
      }
      row(
        'GET /applications/:id/progress',
        await loadInWorker(REQUESTS, CONNECTIONS, {
          kind: 'calls',
          base,
          ok: 200,
          calls: owned.map((a): Call => ({
            method: 'GET',
            path: `/api/v1/applications/${a._id}/progress`,
            token: tokenOf.get(a.ownerId),
          })),
        }),
      );
      if (session) {
        const { profile } = await session.post('Profiler.stop');
        const file = path.join(os.tmpdir(), `bench-scale-progress-${size}.cpuprofile`);
        fs.writeFileSync(file, JSON.stringify(profile));
        session.disconnect();
        process.stdout.write(`  CPU profile of the progress case: ${file}\n${topFunctions(file, 30)}\n`);
      }
      if (READS_ONLY) continue;
      row(
        'GET /dept/tasks (default queue, 50)',
        await loadInWorker(TASK_REQUESTS, CONNECTIONS, {
          kind: 'calls',
          base,
          ok: 200,
          calls: tokens.map((token): Call => ({ method: 'GET', path: '/api/v1/dept/tasks', token })),
        }),
      );
      const submitters = await Promise.all(Array.from({ length: SUBMITS }, () => loginParent(base)));
      row(
        'draft + submit',
        await loadInWorker(SUBMITS, Math.min(CONNECTIONS, 20), {
          kind: 'draftAndSubmit',
          base,
          drafts: submitters.map((token, i) => ({
            token,
            // A birth minute of its own: the newborn key (parents' ID numbers + birth minute) must not repeat.
            // Counted across sizes, not from the size: a birth more than a year ago is refused (at 100,000 the
            // size-based minute was 1.9 years back and every submit failed).
            body: validApplication({
              birthDateTime: new Date(Date.now() - 6 * 3600_000 - (SIZES.indexOf(size) * SUBMITS + i) * 60_000).toISOString(),
            }),
          })),
        }),
      );
      const toAccept = fresh.submitted.concat(fresh.accepted);
      row(
        'POST dept event (accept)',
        await loadInWorker(toAccept.length, CONNECTIONS, {
          kind: 'calls',
          base,
          ok: 200,
          calls: toAccept.map((id): Call => ({
            method: 'POST',
            path: `/api/v1/dept/tasks/${id}.birth_certificate/events`,
            token: hospital,
            body: { eventId: `bench-${randomUUID()}`, type: 'accept' },
          })),
        }),
      );
      await drain();
      // 1,000 due notices, two on each of 500 live applications at every size (a relay round delivers an
      // application's due notices together, so notices/s compares across sizes only with the same spread),
      // queued as the write path queues them.
      // (At 1,000 the seed has about 100 live ones: the 500 just submitted for the events make up the rest.)
      const noticeApps = [...liveIds, ...Object.values(fresh).flat()].slice(0, 500);
      const perApp = Math.ceil(1000 / noticeApps.length);
      const at = new Date();
      let notices = 0;
      for (const id of noticeApps) {
        const entries = Array.from({ length: Math.min(perApp, 1000 - notices) }, () => ({
          id: `bench-${randomUUID()}`,
          kind: 'notify',
          template: 'application_submitted',
          params: { itemCount: '5' },
          state: 'pending',
          attempts: 0,
          nextAt: at,
          createdAt: at,
        }));
        if (!entries.length) break;
        notices += entries.length;
        await components.applicationsRepo.markOutboxDue(id, at);
        await apps.updateOne({ _id: id }, { $push: { outbox: { $each: entries } }, $set: { outboxDue: at } } as never);
      }
      commands.length = 0;
      const d0 = process.hrtime.bigint();
      const delivered = await drain();
      const drainS = Number(process.hrtime.bigint() - d0) / 1e9;
      if (PROFILE) {
        // What the drain sent to the database: count and summed time (commands overlap: 4 applications at once).
        const byName = new Map<string, { n: number; ms: number }>();
        for (const c of commands) {
          const e = byName.get(c.name) ?? { n: 0, ms: 0 };
          byName.set(c.name, { n: e.n + 1, ms: e.ms + c.ms });
        }
        const list = [...byName]
          .sort((a, b) => b[1].ms - a[1].ms)
          .map(([k, v]) => `${k}×${v.n} ${v.ms.toFixed(0)}ms (${(v.ms / v.n).toFixed(1)} each)`)
          .join(', ');
        process.stdout.write(`  ${size} relay drain, ${delivered} notices in ${drainS.toFixed(1)} s; ${list}\n`);
      }
      rows.push({
        size,
        case: `relay drains ${delivered} due notices`,
        'ops/s': Math.round(delivered / drainS),
        'p50 ms': '',
        'p99 ms': '',
        failures: Math.max(0, notices - delivered),
      });
      summary[size].relay = delivered / drainS;
      // Idle: FerretDB + this process (the BFF, relay polling every RELAY_INTERVAL_MS) for 10 s, at rest:
      // after the marks of the drain had their re-check (they are kept for the margin after delivery).
      await new Promise((r) => setTimeout(r, QUEUE_MARK_MARGIN_MS + 1000));
      await drain();
      components.relay.start(config.RELAY_INTERVAL_MS);
      const f0 = cpuTicks(ferret.pid);
      const b0 = process.cpuUsage();
      const w0 = Date.now();
      await new Promise((r) => setTimeout(r, 10_000));
      await components.relay.stop();
      const wall = (Date.now() - w0) / 1000;
      const ferretPct = ((cpuTicks(ferret.pid) - f0) / 100 / wall) * 100;
      const b = process.cpuUsage(b0);
      const bffPct = ((b.user + b.system) / 1e6 / wall) * 100;
      rows.push({
        size,
        case: 'idle CPU, % of one core (FerretDB + BFF)',
        'ops/s': `${ferretPct.toFixed(1)} + ${bffPct.toFixed(1)}`,
        'p50 ms': '',
        'p99 ms': '',
        failures: '',
      });
      summary[size].idle = ferretPct + bffPct;
    }
    console.log(
      `\n${REQUESTS} requests per read case (${TASK_REQUESTS} for the queue) at ${CONNECTIONS} connections, ${SUBMITS} draft+submits at 20, ${EVENTS} events, loopback; FerretDB ${ferret.uri}`,
    );
    console.table(rows);
    if (SIZES.length > 1 && PROFILE !== 'only' && !READS_ONLY) {
      const [small, large] = [summary[SIZES[0]], summary[SIZES[SIZES.length - 1]]];
      const ref = large['raw findOne({_id}) (reference)'];
      console.log(`\ntargets at ${SIZES[SIZES.length - 1]}:`);
      console.table([
        {
          target: 'progress ≥ 70% of raw findOne',
          value: `${((large['GET /applications/:id/progress'] / ref) * 100).toFixed(0)}%`,
        },
        { target: 'progress p99 ≤ 50 ms', value: `${large['GET /applications/:id/progress p99'].toFixed(1)} ms` },
        { target: 'department queue p99 ≤ 100 ms', value: `${large['GET /dept/tasks (default queue, 50) p99'].toFixed(1)} ms` },
        { target: '≥ 50 submits/s', value: `${large['draft + submit'].toFixed(0)}/s` },
        { target: 'idle CPU < 5%', value: `${large.idle.toFixed(1)}%` },
        ...Object.keys(large)
          .filter((k) => !k.endsWith('p99') && k !== 'idle')
          .map((k) => ({ target: `${k}: within 2× of ${SIZES[0]}`, value: `${(small[k] / large[k]).toFixed(2)}× slower` })),
      ]);
    }
    console.log('\nquery plans (FerretDB explain) of the hot queries:');
    const sample = (await db.collection('applications').findOne({}))!;
    const plans: [string, string, Record<string, unknown>, Record<string, unknown>?, number?][] = [
      ['findById / owned read', 'applications', { _id: sample._id }],
      ['versioned apply', 'applications', { _id: sample._id, version: sample.version, status: 'in_progress' }],
      ['owner slot', 'application_owners', { _id: `${owners[0]}:0` }],
      ['version claim', 'application_changes', { _id: `${sample._id}:${sample.version + 1}` }],
      ['relay lease', 'outbox_leases', { _id: sample._id }],
      ['relay due-queue', 'outbox_due', { _id: { $gte: 'd:', $lt: outboxDueKey(new Date(), '') } }, { _id: 1 }, 50],
      ['department queue page', 'task_queue_hospital', { _id: { $gte: 'q:', $lt: 'q;' } }, { _id: 1 }, 60],
    ];
    for (const [name, collection, filter, sort, limit] of plans) {
      const res = await db.command({
        explain: { find: collection, filter, ...(sort ? { sort } : {}), ...(limit ? { limit } : {}) },
      });
      console.log(
        `${name.padEnd(26)} ${collection}.find(${JSON.stringify(filter)}${limit ? `).limit(${limit}` : ''}): ${JSON.stringify(res.queryPlanner?.Plan ?? res.queryPlanner)} pushdown=${res.filterPushdown} limitPushdown=${res.limitPushdown}`,
      );
    }
    const queueSizes = await Promise.all(
      ['hospital', 'police', 'medical_insurance', 'social_security'].map(
        async (d) => `${d} ${await db.collection(`task_queue_${d}`).countDocuments()}`,
      ),
    );
    console.log(
      `department queue marks: ${queueSizes.join(', ')}; outbox_due: ${await db.collection('outbox_due').countDocuments()}`,
    );
  } finally {
    server.close();
    await connection.close();
    await ferret.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
