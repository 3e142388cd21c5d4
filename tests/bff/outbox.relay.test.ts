// The outbox relay on a real FerretDB: exactly-once delivery of parent notices through the notifier and the
// dev push / SMS adapters, leases shared by several relays, retries with backoff, the dead-letter state,
// and a relay that dies between delivering and recording.
import { randomUUID } from 'node:crypto';
import {
  createNotifier,
  createOutboxRelay,
  PermanentDeliveryError,
  renderNotice,
  type Deliver,
} from '../../bff/src/components/notifications';
import type { ApplicationDoc, OutboxEntry } from '../../bff/src/components/applications/application.model';
import { createDevPush, createDevSms } from '../../bff/src/providers/dev';
import { ProviderError } from '../../bff/src/providers/provider-error';
import { api, startTestServer, type TestServer } from '../support/test-server';
import * as fixtures from '../support/fixtures';

jest.setTimeout(60_000);

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const departmentToken = (department: string) => fixtures.departmentToken(server.url, department);
/** A submitted application for a newborn of its own. */
const submitApplication = async (token?: string) =>
  (await fixtures.submittedApplication(server.url, fixtures.validApplication(), token)).id;

const collection = (name: string) => server.connection.db!.collection(name);
const application = async (id: string) => (await server.components.applicationsRepo.findById(id)) as ApplicationDoc;
const devInbox = (key: string) =>
  collection('dev_inbox')
    .find({ _id: { $in: [`${key}:push`, `${key}:sms`] } as never })
    .toArray();

function devNotifier(overrides: Partial<Parameters<typeof createNotifier>[0]> = {}): Deliver {
  const { connection } = server;
  return createNotifier({
    connection,
    crypto: server.components.crypto,
    push: createDevPush({ connection }),
    sms: createDevSms({ connection }),
    ...overrides,
  });
}

type RelayOptions = Partial<Parameters<typeof createOutboxRelay>[0]>;
const relay = (options: RelayOptions = {}) =>
  createOutboxRelay({
    connection: server.connection,
    applications: server.components.applicationsRepo,
    deliver: devNotifier(),
    workerId: `relay-${randomUUID()}`,
    leaseMs: 10_000,
    ...options,
  });

/** Delivers whatever is due until nothing more is (other tests' applications included). */
async function drain(options: RelayOptions = {}) {
  const r = relay(options);
  for (let i = 0; i < 10; i++) {
    const res = await r.runOnce();
    if (!res.delivered && !res.retried && !res.dead) return;
  }
}

async function acceptBirthCertificate(applicationId: string, token: string) {
  const res = await api(server.url, 'POST', `/api/v1/dept/tasks/${applicationId}.birth_certificate/events`, {
    token,
    body: { eventId: `accept-${randomUUID()}`, type: 'accept' },
  });
  expect(res.status).toBe(200);
}

describe('outbox relay', () => {
  test('When an application is submitted and the parent cannot be pushed to, then one relay round sends the submission notice once: a notification and a dev SMS with a masked phone', async () => {
    await drain();
    const id = await submitApplication();
    const before = await application(id);
    const entry = before.outbox.find((e) => e.template === 'application_submitted')!;
    expect(entry.state).toBe('pending');

    const result = await relay({ deliver: devNotifier({ push: null }) }).runOnce();
    expect(result).toEqual({ delivered: 1, retried: 0, dead: 0 });

    const after = await application(id);
    expect(after.outbox[0]).toMatchObject({ id: entry.id, state: 'done', attempts: 1 });
    expect(after.outbox[0].doneAt).toBeInstanceOf(Date);
    expect(after.outboxDue).toBeNull();

    const notification = await collection('notifications').findOne({ _id: entry.id as never });
    expect(notification).toMatchObject({ applicationId: id, template: 'application_submitted', title: '出生“一件事”申请已提交' });
    expect(notification!.body).toContain('共 5 个事项');

    const inbox = await devInbox(entry.id);
    expect(inbox.map((m) => m.channel).sort()).toEqual(['sms']);
    const sms = inbox.find((m) => m.channel === 'sms')!;
    // The newborn registers with the father in the fixture: his phone, masked.
    expect(sms.recipient).toBe('139****5432');
    expect(sms.text).toContain('申请已提交');
    expect(JSON.stringify(inbox)).not.toContain('13998765432');
    expect(JSON.stringify(inbox)).not.toContain('13812345678');

    expect(await relay().runOnce()).toEqual({ delivered: 0, retried: 0, dead: 0 });
    expect(await collection('notifications').countDocuments({ _id: entry.id as never })).toBe(1);
    expect(await devInbox(entry.id)).toHaveLength(1);
  });

  test('When two relays run at once over several applications, then every notice is delivered exactly once', async () => {
    await drain();
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push(await submitApplication());
    const a = relay();
    const b = relay();
    const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(ra.delivered + rb.delivered).toBe(6);
    // And again, both at once, with nothing left to do.
    const again = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(again.map((r) => r.delivered)).toEqual([0, 0]);

    for (const id of ids) {
      const doc = await application(id);
      expect(doc.outbox.map((e) => e.state)).toEqual(['done']);
      expect(doc.outbox[0].attempts).toBe(1);
      expect(await collection('notifications').countDocuments({ applicationId: id })).toBe(1);
      // Pushed (the dev push reaches every parent here), so no SMS as well.
      expect((await devInbox(doc.outbox[0].id)).map((m) => m.channel)).toEqual(['push']);
    }
  });

  test('When a department accepts an item, then the parent gets the item notice by push only, named after the item', async () => {
    await drain();
    const id = await submitApplication();
    await drain();
    const hospital = await departmentToken('hospital');
    const tasks = await api(server.url, 'GET', '/api/v1/dept/tasks?status=dispatched', { token: hospital });
    expect(tasks.status).toBe(200);
    expect(tasks.body.tasks.map((t: { taskId: string }) => t.taskId)).toContain(`${id}.birth_certificate`);
    await acceptBirthCertificate(id, hospital);
    // The item notice and the 受理 rating invitation that the first acceptance brings.
    expect(await relay().runOnce()).toMatchObject({ delivered: 2 });

    const doc = await application(id);
    const accepted = doc.outbox.find((e) => e.template === 'item_accepted')!;
    expect(accepted).toMatchObject({ state: 'done', itemKey: 'birth_certificate' });
    const notification = await collection('notifications').findOne({ _id: accepted.id as never });
    expect(notification).toMatchObject({ itemKey: 'birth_certificate', title: '“出生医学证明”已受理' });
    expect((await devInbox(accepted.id)).map((m) => m.channel)).toEqual(['push']);
  });

  test('When a department event lands while relays record their outcomes, then neither the new state nor its notice is lost', async () => {
    await drain();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await submitApplication());
    const hospital = await departmentToken('hospital');
    // The relay records each submission notice while the hospital accepts the same applications.
    await Promise.all([relay().runOnce(), relay().runOnce(), ...ids.map((id) => acceptBirthCertificate(id, hospital))]);
    await drain();

    for (const id of ids) {
      const doc = await application(id);
      expect(doc.items.birth_certificate!.state).toBe('accepted');
      expect(doc.outbox.map((e) => [e.template, e.state])).toEqual([
        ['application_submitted', 'done'],
        ['item_accepted', 'done'],
        ['rating_invitation', 'done'],
        ['rating_reminder', 'pending'], // due in 3 days
      ]);
      expect(doc.outboxDue).toEqual(doc.outbox[3].nextAt);
      expect(await collection('notifications').countDocuments({ applicationId: id })).toBe(3);
    }
  });

  test('When delivery keeps failing, then it is retried with growing, jittered delays and ends dead, with no personal data in the error', async () => {
    await drain();
    const id = await submitApplication();
    let clock = Date.now() + 1000;
    let calls = 0;
    const failing: Deliver = async () => {
      calls += 1;
      // A careless error message with a phone number in it must not reach the outbox.
      throw new Error('gateway timeout for 13998765432');
    };
    const r = relay({ deliver: failing, now: () => new Date(clock), maxAttempts: 3, baseBackoffMs: 60_000, random: () => 0.5 });

    expect(await r.runOnce()).toEqual({ delivered: 0, retried: 1, dead: 0 });
    let doc = await application(id);
    let entry = doc.outbox[0];
    expect(entry).toMatchObject({ state: 'pending', attempts: 1 });
    // First delay: base 60 s, half fixed and half jitter (0.5) → 45 s.
    expect(entry.nextAt.getTime()).toBe(clock + 45_000);
    expect(doc.outboxDue!.getTime()).toBe(entry.nextAt.getTime());
    expect(entry.lastError).toContain('gateway timeout');
    expect(entry.lastError).not.toContain('13998765432');

    // Not due yet: nothing happens.
    expect(await r.runOnce()).toEqual({ delivered: 0, retried: 0, dead: 0 });
    expect(calls).toBe(1);

    clock = entry.nextAt.getTime();
    expect(await r.runOnce()).toEqual({ delivered: 0, retried: 1, dead: 0 });
    doc = await application(id);
    entry = doc.outbox[0];
    expect(entry.attempts).toBe(2);
    expect(entry.nextAt.getTime()).toBe(clock + 90_000); // doubled: 120 s → 60 s fixed + 30 s jitter

    clock = entry.nextAt.getTime();
    expect(await r.runOnce()).toEqual({ delivered: 0, retried: 0, dead: 1 });
    doc = await application(id);
    expect(doc.outbox[0]).toMatchObject({ state: 'dead', attempts: 3 });
    expect(doc.outboxDue).toBeNull();
    expect(calls).toBe(3);

    clock += 24 * 3600_000;
    expect(await r.runOnce()).toEqual({ delivered: 0, retried: 0, dead: 0 });
    expect(calls).toBe(3);
  });

  test('When a failure is permanent, then the entry is dead at once; when the parent refused push, then it is done without push', async () => {
    await drain();
    const id = await submitApplication();
    const permanent = relay({ deliver: async () => Promise.reject(new PermanentDeliveryError('unknown notice template')) });
    expect(await permanent.runOnce()).toEqual({ delivered: 0, retried: 0, dead: 1 });
    expect((await application(id)).outbox[0]).toMatchObject({ state: 'dead', attempts: 1 });

    const other = await submitApplication();
    const refusingPush = {
      send: async () =>
        Promise.reject(new ProviderError({ provider: 'wechat', kind: 'user_refused', providerCode: '43101', retryable: false })),
    };
    const r = relay({ deliver: devNotifier({ push: refusingPush }) });
    expect(await r.runOnce()).toEqual({ delivered: 1, retried: 0, dead: 0 });
    const entry = (await application(other)).outbox[0];
    const notification = await collection('notifications').findOne({ _id: entry.id as never });
    expect(notification!.channels.push.state).toBe('refused');
    expect(notification!.channels.sms.state).toBe('sent');
    expect((await devInbox(entry.id)).map((m) => m.channel)).toEqual(['sms']);
  });

  test('When the push platform fails for a while, then the entry is retried, pushed once, and no SMS goes meanwhile', async () => {
    await drain();
    const id = await submitApplication();
    const { connection } = server;
    let pushCalls = 0;
    const devPush = createDevPush({ connection });
    const flakyPush = {
      send: async (msg: Parameters<typeof devPush.send>[0]) => {
        pushCalls += 1;
        if (pushCalls === 1)
          throw new ProviderError({ provider: 'wechat', kind: 'unavailable', providerCode: '-1', retryable: true });
        return devPush.send(msg);
      },
    };
    let smsCalls = 0;
    const devSms = createDevSms({ connection });
    const countingSms = { send: async (msg: Parameters<typeof devSms.send>[0]) => ((smsCalls += 1), devSms.send(msg)) };
    let clock = Date.now() + 1000;
    const r = relay({
      deliver: devNotifier({ push: flakyPush, sms: countingSms }),
      now: () => new Date(clock),
      baseBackoffMs: 1000,
    });

    expect(await r.runOnce()).toEqual({ delivered: 0, retried: 1, dead: 0 });
    const entry = (await application(id)).outbox[0];
    expect(entry.lastError).toBe('wechat: unavailable (-1)');
    clock = entry.nextAt.getTime();
    expect(await r.runOnce()).toEqual({ delivered: 1, retried: 0, dead: 0 });
    expect({ pushCalls, smsCalls }).toEqual({ pushCalls: 2, smsCalls: 0 });
    expect((await devInbox(entry.id)).map((m) => m.channel)).toEqual(['push']);
  });

  test('When the SMS vendor fails for a while, then the SMS is retried and sent once', async () => {
    await drain();
    const id = await submitApplication();
    let smsCalls = 0;
    const { connection } = server;
    const devSms = createDevSms({ connection });
    const flakySms = {
      send: async (msg: Parameters<typeof devSms.send>[0]) => {
        smsCalls += 1;
        if (smsCalls === 1)
          throw new ProviderError({ provider: 'aliyun-sms', kind: 'unavailable', providerCode: 'HTTP_503', retryable: true });
        return devSms.send(msg);
      },
    };
    let clock = Date.now() + 1000;
    const r = relay({ deliver: devNotifier({ push: null, sms: flakySms }), now: () => new Date(clock), baseBackoffMs: 1000 });
    expect(await r.runOnce()).toEqual({ delivered: 0, retried: 1, dead: 0 });
    const entry = (await application(id)).outbox[0];
    expect(entry.lastError).toBe('aliyun-sms: unavailable (HTTP_503)');
    clock = entry.nextAt.getTime();
    expect(await r.runOnce()).toEqual({ delivered: 1, retried: 0, dead: 0 });
    expect(smsCalls).toBe(2);
    expect((await devInbox(entry.id)).map((m) => m.channel)).toEqual(['sms']);
  });

  test('When a relay dies after delivering but before recording, then the next relay takes over its lease and sends nothing twice', async () => {
    await drain();
    const id = await submitApplication();
    const doc = await application(id);
    const entry = doc.outbox[0];
    let sends = 0;
    const { connection } = server;
    const devPush = createDevPush({ connection });
    const devSms = createDevSms({ connection });
    const deliver = devNotifier({
      push: { send: async (m) => ((sends += 1), devPush.send(m)) },
      sms: { send: async (m) => ((sends += 1), devSms.send(m)) },
    });

    // The dead relay: it delivered (by push), then stopped, leaving its (now expired) lease behind.
    await deliver(entry, doc);
    expect(sends).toBe(1);
    await collection('outbox_leases').insertOne({ _id: id as never, owner: 'crashed-relay', until: new Date(Date.now() - 1000) });

    // Delivering the same entry again is recognised by its key.
    await deliver(entry, doc);
    expect(sends).toBe(1);

    const [ra, rb] = await Promise.all([relay({ deliver }).runOnce(), relay({ deliver }).runOnce()]);
    expect(ra.delivered + rb.delivered).toBe(1);
    expect(sends).toBe(1);
    expect((await application(id)).outbox[0]).toMatchObject({ state: 'done', attempts: 1 });
    expect(await collection('notifications').countDocuments({ applicationId: id })).toBe(1);
    expect(await devInbox(entry.id)).toHaveLength(1);
    // The lease was released and the takeover marker removed.
    expect(await collection('outbox_leases').countDocuments({ _id: id as never })).toBe(0);
    expect(await collection('outbox_lease_takeovers').countDocuments({})).toBe(0);
  });

  test('When another relay holds a live lease, then the application is left alone until the lease expires', async () => {
    await drain();
    const id = await submitApplication();
    let clock = Date.now();
    await collection('outbox_leases').insertOne({ _id: id as never, owner: 'busy-relay', until: new Date(clock + 30_000) });
    const r = relay({ now: () => new Date(clock) });
    expect(await r.runOnce()).toEqual({ delivered: 0, retried: 0, dead: 0 });
    expect((await application(id)).outbox[0].state).toBe('pending');

    clock += 31_000;
    expect(await r.runOnce()).toEqual({ delivered: 1, retried: 0, dead: 0 });
    expect((await application(id)).outbox[0].state).toBe('done');
  });

  test('When the relay is started and stopped, then it delivers in the background and stop waits for the round in progress', async () => {
    await drain();
    const id = await submitApplication();
    const r = relay();
    r.start(20);
    const deadline = Date.now() + 5000;
    while ((await application(id)).outbox[0].state !== 'done' && Date.now() < deadline)
      await new Promise((res) => setTimeout(res, 20));
    await r.stop();
    expect((await application(id)).outbox[0].state).toBe('done');
  });
});

describe('notice texts', () => {
  test('When an item is rejected, shipped or ready for pickup, then the notice says so in Chinese with what the parent needs', () => {
    expect(renderNotice('item_rejected', { itemName: '出生户口登记', reasonCount: '2' }, 'hukou_registration')!.title).toBe(
      '“出生户口登记”已退回，有 2 项需要更正',
    );
    expect(
      renderNotice('item_shipped', { itemName: '出生医学证明', carrier: '顺丰', trackingNumber: 'SF1234567890' })!.title,
    ).toBe('“出生医学证明”已寄出（顺丰 SF1234567890）');
    const pickup = renderNotice('item_ready_for_pickup', {
      itemName: '预防接种证',
      place: '杭州市民中心',
      hours: '工作日 9:00–17:00',
    })!;
    expect(pickup.body).toContain('可以领取：杭州市民中心，工作日 9:00–17:00');
    expect(renderNotice('item_completed', { itemName: '社会保障卡申领' }, 'social_security_card')!.body).toContain('制卡');
    expect(renderNotice('no_such_template', {})).toBeUndefined();
  });

  test('When an entry names a template the notifier does not know, then delivery fails permanently', async () => {
    const entry: OutboxEntry = {
      id: `x-${randomUUID()}`,
      kind: 'notify',
      template: 'no_such_template',
      params: {},
      state: 'pending',
      attempts: 0,
      nextAt: new Date(),
      createdAt: new Date(),
    };
    const doc = { _id: 'nope', ownerId: 'p', data: {} } as unknown as ApplicationDoc;
    await expect(devNotifier()(entry, doc)).rejects.toBeInstanceOf(PermanentDeliveryError);
  });
});
