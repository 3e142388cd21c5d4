// Relays in processes of their own (scripts/bench/relay-worker.ts) against the local WeChat and Aliyun fakes:
// one killed with SIGKILL in the middle of a batch and restarted delivers every notice, none twice (counted at
// the fakes); two at once keep the per-phone SMS cap, counted in the database across processes.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { ApplicationDoc } from '../../bff/src/components/applications/application.model';
import { createSubscriptionsStore } from '../../bff/src/components/subscriptions';
import { WORKER_SMS, WORKER_WX } from '../../scripts/bench/relay-worker';
import { startAliyunSmsFake, startWechatFake, type AliyunSmsFake, type WechatFake } from '../support/fakes';
import { loginParent, submittedApplication, validApplication } from '../support/fixtures';
import { startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '..', '..');
let wx: WechatFake;
let sms: AliyunSmsFake;
let server: TestServer;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  wx = await startWechatFake(WORKER_WX);
  sms = await startAliyunSmsFake({ ...WORKER_SMS, signNames: [WORKER_SMS.signName] });
  server = await startTestServer();
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await server?.close();
  await wx?.close();
  await sms?.close();
});

/** Starts one relay process; resolves once it is connected and polling. */
async function startWorker(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/relay-worker.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      MONGODB_URI: server.config.MONGODB_URI,
      MONGODB_DB: server.config.MONGODB_DB,
      RELAY_WX_URL: wx.url,
      RELAY_SMS_URL: sms.url,
      ...env,
    },
  });
  children.add(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('ready')) resolve();
    });
    child.stderr!.on('data', (d) => (out += d));
    void exited.then((code) => reject(new Error(`relay worker exited (${code}): ${out}`)));
  });
  return {
    child,
    async kill(signal: NodeJS.Signals) {
      child.kill(signal);
      await exited;
      children.delete(child);
    },
  };
}

/** Waits for a condition that other processes bring about (checked every 50 ms, up to a generous deadline). */
async function until(what: string, check: () => Promise<boolean> | boolean, deadlineMs = 180_000) {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const outboxOf = async (ids: string[]) =>
  Promise.all(ids.map(async (id) => ((await server.components.applicationsRepo.findById(id)) as ApplicationDoc).outbox));
const phoneOf = (i: number) => `1371${String(Date.now() % 1_000_000).padStart(6, '0')}${String(i % 10)}`;

test('When a relay process is killed with SIGKILL in the middle of a batch and restarted, then every notice arrives once', async () => {
  const store = createSubscriptionsStore({ connection: server.connection, crypto: server.components.crypto });
  const apps: { id: string; openid?: string; phone: string }[] = [];
  const stamp = Date.now().toString(36);
  for (let i = 0; i < 12; i++) {
    const input = validApplication();
    input.father.phone = `1360${stamp.slice(-5).replace(/\D/g, '0').padStart(5, '0')}${String(i).padStart(2, '0')}`;
    const token = await loginParent(server.url, `crash-${stamp}-${i}`);
    const { id } = await submittedApplication(server.url, input, token);
    const owner = (await server.components.applicationsRepo.findById(id))!.ownerId;
    // Half the parents subscribed (push), half not (SMS).
    const openid = i % 2 ? `oCrash${stamp}${i}` : undefined;
    if (openid) await store.record(owner, 'wechat', openid, [{ templateId: 'T-application_submitted', result: 'accept' }]);
    apps.push({ id, openid, phone: input.father.phone });
  }
  const received = () => wx.sent.length + sms.sent.length;
  // The SMS vendor takes requests and does not answer: the relay works through the batch (one application at
  // a time) until it waits on its first SMS, and is killed there, its lease held, the SMS never accepted.
  sms.setNeverAnswer(true);
  const first = await startWorker({ RELAY_CONCURRENCY: '1', RELAY_LEASE_MS: '3000', RELAY_WORKER_ID: 'crash-first' });
  await until('an SMS in flight', () => sms.requests.length > 0);
  await first.kill('SIGKILL');
  const before = received();
  expect(before).toBeLessThan(12);
  sms.setNeverAnswer(false);

  // The restarted relay takes over the dead one's lease once it expires and delivers the rest.
  const second = await startWorker({ RELAY_CONCURRENCY: '1', RELAY_LEASE_MS: '3000', RELAY_WORKER_ID: 'crash-second' });
  const ids = apps.map((a) => a.id);
  await until('every notice done', async () =>
    (await outboxOf(ids)).every((o) => o.every((e) => e.template !== 'application_submitted' || e.state === 'done')),
  );
  await second.kill('SIGTERM');

  for (const app of apps) {
    const pushes = wx.sent.filter((m) => m.touser === app.openid).length;
    const texts = sms.sent.filter((m) => m.phoneNumbers === app.phone).length;
    expect({ id: app.id, pushes, texts }).toEqual({ id: app.id, pushes: app.openid ? 1 : 0, texts: app.openid ? 0 : 1 });
  }
  expect(received()).toBe(12);
  expect(await server.connection.collection('notifications').countDocuments({ applicationId: { $in: ids } })).toBe(12);
});

test('When two relay processes send to one phone at once, then the hourly SMS cap holds across them and the rest wait, visibly', async () => {
  const phone = phoneOf(7);
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    const input = validApplication();
    input.father.phone = phone;
    ids.push((await submittedApplication(server.url, input)).id);
  }
  // A fixed clock in the middle of a China-time hour, after every notice was written.
  const at = new Date(Math.ceil((Date.now() + 3600_000) / 3600_000) * 3600_000 + 30 * 60_000).toISOString();
  const env = { RELAY_SMS_CAPS: '5,10', RELAY_NOW: at, RELAY_BATCH: '4', RELAY_CONCURRENCY: '2' };
  const workers = await Promise.all([
    startWorker({ ...env, RELAY_WORKER_ID: 'cap-a' }),
    startWorker({ ...env, RELAY_WORKER_ID: 'cap-b' }),
  ]);
  const settled = async () =>
    (await outboxOf(ids)).every((o) =>
      o.every((e) => e.state === 'done' || (e.state === 'pending' && (e.lastError ?? '').includes('SMS cap reached'))),
    );
  await until('every notice sent or waiting for the next window', settled);
  await Promise.all(workers.map((w) => w.kill('SIGTERM')));

  expect(sms.sent.filter((m) => m.phoneNumbers === phone)).toHaveLength(5);
  const entries = (await outboxOf(ids)).flat();
  expect(entries.filter((e) => e.state === 'done')).toHaveLength(5);
  const waiting = entries.filter((e) => e.state === 'pending');
  expect(waiting).toHaveLength(7);
  // The operators' list says why, without the phone; the wait ends with the hour.
  const nextHour = Math.ceil(new Date(at).getTime() / 3600_000) * 3600_000;
  for (const e of waiting) {
    expect(e.lastError).toBe('SMS cap reached (sms-hour): waits for the next window');
    expect(e.attempts).toBe(0);
    expect(e.nextAt.getTime()).toBe(nextHour);
  }
  expect(JSON.stringify(await server.connection.collection('sms_quota').find({}).toArray())).not.toContain(phone);
});
