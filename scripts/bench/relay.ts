// `npm run bench:relay`: how fast relays drain due notices, and whether more relays ever deliver one twice.
// Not a test (timings vary by machine); prints a table. BENCH_NOTICES (default 10000) due notices (one per
// application, the submission notice; half the parents hold a WeChat subscription credit, half get an SMS) are
// drained by 1 relay process, then — on a fresh database with the same seed — by 2 at once, each a real relay
// (scripts/bench/relay-worker.ts: notifier, subscriptions, WeChat push and Aliyun SMS adapters) against the
// local fakes, which count what they accepted. Duplicates: messages accepted more than once for one notice.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApplicationDoc } from '../../bff/src/components/applications/application.model';
import { outboxDueKey } from '../../bff/src/components/applications/applications.repository';
import { ensureFerretdb, startFerretdb } from '../lib/ferretdb.cjs';
import { startInProcessBff } from './in-process-bff';
import { startAliyunSmsFake, startWechatFake } from '../../tests/support/fakes';
import { submittedApplication } from '../../tests/support/fixtures';
import { WORKER_SMS, WORKER_WX } from './relay-worker';

const NOTICES = Number(process.env.BENCH_NOTICES ?? 10_000);
const ROOT = path.resolve(__dirname, '..', '..');

type Row = {
  workers: number;
  notices: number;
  seconds: number;
  perMinute: number;
  pushes: number;
  sms: number;
  duplicates: number;
};

async function main() {
  ensureFerretdb();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'birth-bench-relay-'));
  const db = await startFerretdb({ dataDir: dir });
  const wx = await startWechatFake(WORKER_WX);
  const sms = await startAliyunSmsFake({ ...WORKER_SMS, signNames: [WORKER_SMS.signName] });
  const rows: Row[] = [];
  try {
    for (const workers of [1, 2]) rows.push(await round(db.uri, `bench_relay_${workers}`, workers, wx, sms));
  } finally {
    await wx.close();
    await sms.close();
    await db.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(
    `\nbench:relay — ${NOTICES} due notices, relay processes against the local WeChat and Aliyun fakes (${os.cpus().length} cores)\n`,
  );
  console.log('| relays | notices | seconds | notices/min | pushes | SMS | duplicates | vs 1 relay |');
  console.log('|-------:|--------:|--------:|------------:|-------:|----:|-----------:|-----------:|');
  for (const r of rows)
    console.log(
      `| ${pad(r.workers, 6)} | ${pad(r.notices, 7)} | ${pad(r.seconds.toFixed(1), 7)} | ${pad(Math.round(r.perMinute), 11)} | ${pad(r.pushes, 6)} | ${pad(r.sms, 3)} | ${pad(r.duplicates, 10)} | ${pad(`${(r.perMinute / rows[0].perMinute).toFixed(2)}×`, 10)} |`,
    );
  process.exit(rows.some((r) => r.duplicates > 0 || r.pushes + r.sms !== r.notices) ? 1 : 0);
}

type Fakes = { wx: Awaited<ReturnType<typeof startWechatFake>>; sms: Awaited<ReturnType<typeof startAliyunSmsFake>> };

async function round(uri: string, dbName: string, workers: number, wx: Fakes['wx'], sms: Fakes['sms']): Promise<Row> {
  wx.sent.length = 0;
  sms.sent.length = 0;
  const bff = await startInProcessBff({ MONGODB_URI: uri, MONGODB_DB: dbName });
  const { base, connection, components, server } = bff;

  // One real application through the API, copied N times with fresh ids and owners.
  const { id } = await submittedApplication(base);
  const template = (await components.applicationsRepo.findById(id)) as ApplicationDoc;
  const raw = (name: string) => connection.collection(name);
  await raw('applications').deleteMany({});
  await raw('outbox_due').deleteMany({});
  const due = new Date(Date.now() - 60_000);
  const entry = template.outbox[0];
  for (let start = 0; start < NOTICES; start += 500) {
    const apps: Record<string, unknown>[] = [];
    const marks: Record<string, unknown>[] = [];
    const recipients: Record<string, unknown>[] = [];
    const credits: Record<string, unknown>[] = [];
    for (let i = start; i < Math.min(NOTICES, start + 500); i++) {
      const appId = randomUUID();
      const ownerId = randomUUID();
      apps.push({
        ...template,
        _id: appId,
        ownerId,
        outbox: [{ ...entry, id: `${appId}:submitted`, nextAt: due }],
        outboxDue: due,
      });
      // The due-queue mark as the write path makes it (`d:<dueAt>|<id>`, read by the relay as an `_id` range).
      marks.push({ _id: outboxDueKey(due, appId), dueAt: due, markedAt: due });
      if (i % 2) {
        recipients.push({
          _id: `${ownerId}|wechat`,
          sealed: components.crypto.seal(`oBench${i}`, 'push.recipient.wechat'),
          updatedAt: due,
        });
        // As POST /api/v1/subscriptions stores one (subscriptions.store.ts): the `_id` names owner, platform, template.
        const creditId = `${ownerId}|wechat|T-application_submitted|0`;
        credits.push({ _id: creditId, ownerId, platform: 'wechat', templateId: 'T-application_submitted', createdAt: due });
      }
    }
    await raw('applications').insertMany(apps as never[]);
    await raw('outbox_due').insertMany(marks as never[]);
    if (recipients.length) await raw('push_recipients').insertMany(recipients as never[]);
    if (credits.length) await raw('push_credits').insertMany(credits as never[]);
  }
  server.close();

  const children: ChildProcess[] = [];
  const ready: Promise<void>[] = [];
  for (let w = 0; w < workers; w++) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/relay-worker.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        MONGODB_URI: uri,
        MONGODB_DB: dbName,
        RELAY_WX_URL: wx.url,
        RELAY_SMS_URL: sms.url,
        RELAY_WORKER_ID: `bench-${w}`,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    ready.push(new Promise((resolve) => child.stdout!.on('data', (d: Buffer) => String(d).includes('ready') && resolve())));
  }
  await Promise.all(ready);
  const started = process.hrtime.bigint();
  const notifications = raw('notifications');
  // Drained when the due-queue is empty (a mark goes once its application has nothing pending), checked in full once.
  const drained = async () =>
    (await raw('outbox_due').countDocuments({})) === 0 &&
    (await raw('applications').countDocuments({ 'outbox.state': 'pending' })) === 0 &&
    (await notifications.countDocuments({})) >= NOTICES;
  while (!(await drained())) await new Promise((r) => setTimeout(r, 250));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on('exit', r)))));

  const perNotice = new Map<string, number>();
  for (const m of wx.sent) perNotice.set(`push:${m.touser}`, (perNotice.get(`push:${m.touser}`) ?? 0) + 1);
  for (const m of sms.sent) perNotice.set(`sms:${m.outId}`, (perNotice.get(`sms:${m.outId}`) ?? 0) + 1);
  const duplicates = [...perNotice.values()].reduce((n, c) => n + c - 1, 0);
  await connection.dropDatabase();
  await connection.close();
  return {
    workers,
    notices: NOTICES,
    seconds,
    perMinute: (NOTICES / seconds) * 60,
    pushes: wx.sent.length,
    sms: sms.sent.length,
    duplicates,
  };
}

main().catch((err: Error) => {
  console.error(err.stack);
  process.exit(1);
});
