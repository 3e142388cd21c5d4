// The channel policy of parent notices, end to end on the real relay and real HTTP adapters against the local
// WeChat and Aliyun fakes (which check tokens and signatures): push on a subscription credit, SMS otherwise,
// 43101 falls back to SMS, item changes combined, quiet hours, unconfirmed phones, a provider down for a while.
import { randomUUID } from 'node:crypto';
import { ITEM_CATALOGUE, startOfChinaDay, toChinaDateString, addCalendarDays, type ItemKey } from '@birth/shared';
import {
  COMBINED_TEMPLATE,
  createNotifier,
  createOutboxRelay,
  NOTICE_TEMPLATES,
  parseQuietHours,
  quietUntil,
  type Notice,
} from '../../bff/src/components/notifications';
import { createSubscriptionsStore } from '../../bff/src/components/subscriptions';
import type { ApplicationDoc } from '../../bff/src/components/applications/application.model';
import { createWechatPush } from '../../bff/src/providers/push/wechat.push';
import { createAliyunSms } from '../../bff/src/providers/sms/aliyun.sms';
import { newbornIdNumber } from '../../scripts/department-simulator';
import { startAliyunSmsFake, startWechatFake, type AliyunSmsFake, type WechatFake } from '../support/fakes';
import { departmentToken, submittedApplication, validApplication } from '../support/fixtures';
import { api, startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

const WX = { appId: 'wx-policy-test-app', appSecret: 'wx-policy-test-secret-0123456789' };
const SMS = { accessKeyId: 'LTAI-policy-key', accessKeySecret: 'aliyun-policy-secret-0123456789', signName: '浙里办出生一件事' };

/** China time on the day after tomorrow: every notice written now is due by then. */
const chinaTime = (hour: number, minute = 0, plusDays = 2) =>
  startOfChinaDay(addCalendarDays(toChinaDateString(new Date()), plusDays)).getTime() + (hour * 60 + minute) * 60_000;

let clock = chinaTime(10);
const now = () => new Date(clock);
let wx: WechatFake;
let sms: AliyunSmsFake;
let server: TestServer;

beforeAll(async () => {
  wx = await startWechatFake(WX);
  sms = await startAliyunSmsFake({
    accessKeyId: SMS.accessKeyId,
    accessKeySecret: SMS.accessKeySecret,
    signNames: [SMS.signName],
  });
  server = await startTestServer(
    {
      WECHAT_API_BASE: wx.url,
      WECHAT_APP_ID: WX.appId,
      WECHAT_APP_SECRET: WX.appSecret,
      SMS_VENDOR: 'aliyun',
      SMS_ENDPOINT: sms.url,
      SMS_ACCESS_KEY_ID: SMS.accessKeyId,
      SMS_ACCESS_KEY_SECRET: SMS.accessKeySecret,
      SMS_SIGN_NAME: SMS.signName,
      SMS_TEMPLATES: JSON.stringify({ phone_confirmation: 'SMS_900000' }),
      PUSH_TEMPLATES: JSON.stringify({
        wechat: Object.fromEntries(
          [...NOTICE_TEMPLATES, COMBINED_TEMPLATE].map((t) => [
            t,
            { templateId: `T-${t}`, fields: { thing1: 'item', phrase2: 'status', thing3: 'tip' } },
          ]),
        ),
      }),
      // The policy as in production.
      DEV_PUSH_WITHOUT_SUBSCRIPTION: 'false',
      SMS_REQUIRE_CONFIRMED_PHONE: 'true',
      SMS_QUIET_HOURS: '21:00-08:00',
      NOTICE_COMBINE_WINDOW_SECONDS: '120',
    },
    { now },
  );
});
afterAll(async () => {
  await server?.close();
  await wx?.close();
  await sms?.close();
});

/** The relay as the BFF runs it, with the real WeChat push and Aliyun SMS adapters. */
function policyRelay(overrides: Partial<Parameters<typeof createNotifier>[0]> = {}) {
  const { connection } = server;
  const { crypto } = server.components;
  const deliver = createNotifier({
    connection,
    crypto,
    now,
    push: createWechatPush({ baseUrl: wx.url, ...WX, timeoutMs: 5000 }),
    sms: createAliyunSms({ endpoint: sms.url, ...SMS, timeoutMs: 5000 }),
    subscriptions: createSubscriptionsStore({ connection, crypto, now }),
    formats: {
      push: (n: Notice) => ({
        templateId: `T-${n.template}`,
        data: { thing1: n.title.slice(0, 20), thing2: n.body.slice(0, 20) },
      }),
      sms: (n: Notice) => ({ templateCode: `SMS_${n.template}`, params: { title: n.title, body: n.body } }),
    },
    policy: { quietHours: { startMinute: 21 * 60, endMinute: 8 * 60 }, phones: server.components.phones },
    ...overrides,
  });
  return createOutboxRelay({
    connection,
    applications: server.components.applicationsRepo,
    deliver,
    now,
    workerId: `relay-${randomUUID()}`,
    leaseMs: 10_000,
    baseBackoffMs: 1000,
    combineWindowMs: 120_000,
  });
}

async function drain(relay = policyRelay()) {
  for (let i = 0; i < 10; i++) {
    const r = await relay.runOnce();
    if (!r.delivered && !r.retried && !r.dead) return;
  }
}

let openids = 0;
/** A parent who logged in through WeChat (the fake's code2Session) with a submitted application. */
async function wechatParent() {
  const openid = `oPolicy${Date.now().toString(36)}${++openids}`;
  const login = await api(server.url, 'POST', '/api/v1/auth/login', { body: { platform: 'wechat', code: wx.issueCode(openid) } });
  expect(login.status).toBe(200);
  const input = validApplication({ items: ['birth_certificate', 'vaccination_certificate', 'hukou_registration'] });
  for (const key of Object.keys(input.delivery))
    if (!input.items.includes(key)) delete (input.delivery as Record<string, unknown>)[key];
  // A phone of its own, so counts at the SMS fake belong to this test alone.
  input.father.phone = `139${String(10_000_000 + Math.floor(Math.random() * 89_999_999))}`;
  const { id } = await submittedApplication(server.url, input, login.body.accessToken);
  return { openid, token: login.body.accessToken as string, id, input };
}

/** What the app posts after `wx.requestSubscribeMessage`: a fresh login code and the user's choices. */
const subscribe = (token: string, openid: string, results: { templateId: string; result: string }[]) =>
  api(server.url, 'POST', '/api/v1/subscriptions', { token, body: { platform: 'wechat', code: wx.issueCode(openid), results } });

/** The confirmation code flow over HTTP, reading the code from the SMS the vendor fake received. */
async function confirmPhone(token: string, id: string, phone: string) {
  const sent = await api(server.url, 'POST', `/api/v1/applications/${id}/phone-confirmations`, { token });
  expect(sent.status).toBe(201);
  expect(sent.body.sentTo).toBe(`${phone.slice(0, 3)}****${phone.slice(7)}`);
  const message = sms.sent.filter((m) => m.phoneNumbers === phone && m.templateCode === 'SMS_900000').at(-1)!;
  const code = message.templateParam.code;
  expect(code).toMatch(/^\d{6}$/);
  const confirmed = await api(server.url, 'POST', `/api/v1/applications/${id}/phone-confirmations/confirm`, {
    token,
    body: { code },
  });
  expect(confirmed.body).toEqual({ sentTo: sent.body.sentTo, confirmed: true });
}

async function itemEvent(id: string, itemKey: ItemKey, body: Record<string, unknown>) {
  const res = await api(server.url, 'POST', `/api/v1/dept/tasks/${id}.${itemKey}/events`, {
    token: await departmentToken(server.url, ITEM_CATALOGUE[itemKey].department),
    body: { eventId: `e-${randomUUID()}`, ...body },
  });
  expect(res.status).toBe(200);
}

const pushesTo = (openid: string, template?: string) =>
  wx.sent.filter((m) => m.touser === openid && (!template || m.template_id === `T-${template}`));
const smsTo = (phone: string, template?: string) =>
  sms.sent.filter(
    (m) => m.phoneNumbers === phone && m.templateCode !== 'SMS_900000' && (!template || m.templateCode === `SMS_${template}`),
  );
const application = async (id: string) => (await server.components.applicationsRepo.findById(id)) as ApplicationDoc;
const notification = (id: string) => server.connection.collection('notifications').findOne({ _id: id as never });
const entryOf = async (id: string, template: string) =>
  (await application(id)).outbox.filter((e) => e.template === template).at(-1)!;

beforeEach(() => {
  clock = chinaTime(10);
});

describe('subscriptions', () => {
  test('When the app reports a prompt, then each acceptance is a credit of that template and bad input is refused in Chinese', async () => {
    const { openid, token } = await wechatParent();
    const res = await subscribe(token, openid, [
      { templateId: 'T-item_accepted', result: 'accept' },
      { templateId: 'T-item_rejected', result: 'accept' },
      { templateId: 'T-rating_invitation', result: 'reject' },
    ]);
    expect(res.status).toBe(201);
    expect(res.body.accepted).toBe(2);
    expect(res.body.subscriptions).toEqual([
      { platform: 'wechat', templateId: 'T-item_accepted', credits: 1 },
      { platform: 'wechat', templateId: 'T-item_rejected', credits: 1 },
    ]);
    const again = await subscribe(token, openid, [{ templateId: 'T-item_accepted', result: 'accept' }]);
    expect(again.body.subscriptions[0]).toEqual({ platform: 'wechat', templateId: 'T-item_accepted', credits: 2 });

    const bad = await api(server.url, 'POST', '/api/v1/subscriptions', {
      token,
      body: { platform: 'qq', code: '', results: [{ templateId: 'x y', result: 'maybe' }] },
    });
    expect(bad.status).toBe(400);
    const messages = bad.body.errors.map((e: { message: string }) => e.message).join(' ');
    expect(messages).toContain('订阅平台不正确');
    expect(messages).toContain('模板编号只能包含');
    expect(messages).toContain('订阅结果不正确');
    const unknown = await subscribe(token, openid, [{ templateId: 'item_accepted', result: 'accept' }]);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toMatchObject({ path: 'results.0.templateId' });

    // A code of another WeChat user cannot direct this parent's messages elsewhere.
    const other = await subscribe(token, `oSomebodyElse${Date.now()}`, [{ templateId: 'T-item_accepted', result: 'accept' }]);
    expect(other.status).toBe(403);
    expect(other.body.detail).toContain('账号不一致');
    expect((await api(server.url, 'GET', '/api/v1/subscriptions', { token })).body.subscriptions[0].credits).toBe(2);
  });
});

describe('channel policy', () => {
  test('When an item is accepted and the parent holds a credit, then exactly one push goes, spends the credit, and no SMS', async () => {
    const { openid, token, id, input } = await wechatParent();
    await subscribe(token, openid, [{ templateId: 'T-item_accepted', result: 'accept' }]);
    await drain();
    await itemEvent(id, 'birth_certificate', { type: 'accept' });
    clock += 121_000; // the combining window has closed
    await drain();
    await drain();

    const pushed = pushesTo(openid, 'item_accepted');
    expect(pushed).toHaveLength(1);
    expect(pushed[0].data.thing1.value).toBe('“出生医学证明”已受理');
    expect(smsTo(input.father.phone, 'item_accepted')).toHaveLength(0);
    const entry = await entryOf(id, 'item_accepted');
    expect(entry.state).toBe('done');
    expect((await notification(entry.id))!.channels.push.state).toBe('sent');
    const balance = await api(server.url, 'GET', '/api/v1/subscriptions', { token });
    expect(balance.body.subscriptions.filter((s: { templateId: string }) => s.templateId === 'T-item_accepted')).toEqual([]);
  }, 120_000);

  test("When the BFF's own relay delivers, then the push goes through the configured WeChat adapter with the keywords of PUSH_TEMPLATES", async () => {
    const { openid, token, id } = await wechatParent();
    await subscribe(token, openid, [{ templateId: 'T-item_accepted', result: 'accept' }]);
    await drain(server.components.relay);
    await itemEvent(id, 'birth_certificate', { type: 'accept' });
    clock += 121_000; // the combining window has closed
    await drain(server.components.relay);

    const pushed = pushesTo(openid, 'item_accepted');
    expect(pushed).toHaveLength(1);
    expect(pushed[0].data).toMatchObject({ thing1: { value: '出生医学证明' }, phrase2: { value: '已受理' } });
  }, 120_000);

  test('When the parent holds no credit, then a rejection goes by SMS to the confirmed phone, once, and to the inbox', async () => {
    const { openid, token, id, input } = await wechatParent();
    await confirmPhone(token, id, input.father.phone);
    await drain();
    await itemEvent(id, 'birth_certificate', { type: 'reject', reasons: [{ message: '出生时间与医院记录不一致' }] });
    await drain();
    await drain();

    expect(pushesTo(openid)).toHaveLength(0);
    const sent = smsTo(input.father.phone, 'item_rejected');
    expect(sent).toHaveLength(1);
    expect(sent[0].templateParam.title).toContain('已退回');
    const entry = await entryOf(id, 'item_rejected');
    expect((await notification(entry.id))!.channels).toMatchObject({ push: { state: 'skipped' }, sms: { state: 'sent' } });
    const inbox = await api(server.url, 'GET', '/api/v1/notifications', { token });
    expect(inbox.body.notifications.map((n: { id: string }) => n.id)).toContain(entry.id);
  });

  test('When WeChat answers 43101, then the credit is used up and the rejection falls back to SMS', async () => {
    const { openid, token, id, input } = await wechatParent();
    await confirmPhone(token, id, input.father.phone);
    await subscribe(token, openid, [{ templateId: 'T-item_rejected', result: 'accept' }]);
    await drain();
    wx.refuseMessagesFor(openid);
    const refusedBefore = wx.requests.filter((r) => r.path === '/cgi-bin/message/subscribe/send').length;
    await itemEvent(id, 'birth_certificate', { type: 'reject', reasons: [{ message: '出生时间与医院记录不一致' }] });
    await drain();

    expect(wx.requests.filter((r) => r.path === '/cgi-bin/message/subscribe/send').length).toBe(refusedBefore + 1);
    expect(pushesTo(openid)).toHaveLength(0);
    expect(smsTo(input.father.phone, 'item_rejected')).toHaveLength(1);
    const entry = await entryOf(id, 'item_rejected');
    expect(entry.state).toBe('done');
    expect((await notification(entry.id))!.channels).toMatchObject({ push: { state: 'refused' }, sms: { state: 'sent' } });
    const balance = await api(server.url, 'GET', '/api/v1/subscriptions', { token });
    expect(balance.body.subscriptions).toEqual([]);
  });

  test('When three items change within the window, then the parent gets one combined notice, sent when the window closes', async () => {
    const { openid, token, id, input } = await wechatParent();
    await subscribe(token, openid, [
      { templateId: `T-${COMBINED_TEMPLATE}`, result: 'accept' },
      { templateId: `T-${COMBINED_TEMPLATE}`, result: 'accept' },
    ]);
    await itemEvent(id, 'birth_certificate', { type: 'accept' });
    await itemEvent(id, 'birth_certificate', { type: 'complete', outputs: { certificateNumber: 'R330000001' } });
    await itemEvent(id, 'vaccination_certificate', { type: 'accept' });
    await itemEvent(id, 'hukou_registration', { type: 'accept' });
    clock += 10 * 60_000;
    await drain(); // the first four changes: one combined notice
    expect(pushesTo(openid, COMBINED_TEMPLATE)).toHaveLength(1);

    // Three items change together: two completions and a shipment.
    clock += 10 * 60_000;
    await itemEvent(id, 'vaccination_certificate', { type: 'complete', outputs: { certificateNumber: 'JZ3300000001' } });
    await itemEvent(id, 'hukou_registration', {
      type: 'complete',
      outputs: {
        newbornIdNumber: newbornIdNumber(input.newborn.birthDateTime, input.newborn.sex, id),
        hukouBookletNumber: '330000001',
      },
    });
    await itemEvent(id, 'birth_certificate', { type: 'ship', carrier: 'EMS', trackingNumber: 'EMS000000001' });
    clock += 60_000;
    await drain(); // inside the window: nothing yet
    expect(pushesTo(openid, COMBINED_TEMPLATE)).toHaveLength(1);
    const waiting = (await application(id)).outbox.filter((e) => e.state === 'pending' && e.template.startsWith('item_'));
    expect(waiting).toHaveLength(3);
    expect(waiting.every((e) => e.attempts === 0 && e.lastError === 'waiting to combine item changes')).toBe(true);

    clock += 61_000;
    await drain();
    await drain();
    const pushed = pushesTo(openid, COMBINED_TEMPLATE);
    expect(pushed).toHaveLength(2);
    const doc = await application(id);
    const changes = doc.outbox.filter((e) => waiting.some((w) => w.id === e.id));
    expect(changes.map((e) => e.state)).toEqual(['done', 'done', 'done']);
    const combined = await server.connection
      .collection('notifications')
      .find({ applicationId: id, template: COMBINED_TEMPLATE })
      .sort({ createdAt: 1 })
      .toArray();
    expect(combined).toHaveLength(2);
    expect(combined[1].title).toBe('出生“一件事”有 3 个事项更新');
    expect(combined[1].body).toBe(
      '预防接种证、出生户口登记已办结；出生医学证明（EMS EMS000000001）已寄出。详情请打开“我的申请”查看。',
    );
    // One notice in the parent's inbox, under the first change's id; none of the three went on its own.
    expect(combined[1]._id).toBe(changes[0].id);
    for (const e of changes.slice(1)) expect(await notification(e.id)).toBeNull();
    const inbox = await api(server.url, 'GET', '/api/v1/notifications', { token });
    expect(inbox.body.notifications.filter((n: { title: string }) => n.title.includes('个事项更新'))).toHaveLength(2);
  });

  test('When an SMS notice falls due at 23:00 China time, then it waits and goes at 08:00, once', async () => {
    const { openid, token, id, input } = await wechatParent();
    await confirmPhone(token, id, input.father.phone);
    await drain();
    clock = chinaTime(23);
    await itemEvent(id, 'birth_certificate', { type: 'reject', reasons: [{ message: '出生时间与医院记录不一致' }] });
    await drain();
    expect(smsTo(input.father.phone, 'item_rejected')).toHaveLength(0);
    const waiting = await entryOf(id, 'item_rejected');
    expect(waiting).toMatchObject({ state: 'pending', attempts: 0 });
    expect(waiting.nextAt.getTime()).toBe(chinaTime(8, 0, 3));
    expect(waiting.lastError).toContain('quiet hours');
    // The in-app notice is there at once.
    expect((await notification(waiting.id))!.title).toContain('已退回');

    clock = chinaTime(7, 59, 3);
    await drain();
    expect(smsTo(input.father.phone, 'item_rejected')).toHaveLength(0);
    clock = chinaTime(8, 0, 3);
    await drain();
    await drain();
    expect(smsTo(input.father.phone, 'item_rejected')).toHaveLength(1);
    expect(pushesTo(openid)).toHaveLength(0);
    expect((await entryOf(id, 'item_rejected')).state).toBe('done');
  });

  test('When the phone is not confirmed, then no SMS goes: the notice is in the inbox, and after confirming the next one is sent', async () => {
    const { token, id, input } = await wechatParent();
    await drain();
    // The submission notice is worth an SMS, but the phone was only typed into the form.
    expect(smsTo(input.father.phone)).toHaveLength(0);
    const first = await entryOf(id, 'application_submitted');
    expect(first.state).toBe('done');
    expect((await notification(first.id))!.channels.sms.state).toBe('unconfirmed');
    const inbox = await api(server.url, 'GET', '/api/v1/notifications', { token });
    expect(inbox.body.notifications.map((n: { id: string }) => n.id)).toContain(first.id);

    // A wrong code is refused with what to do; the right one confirms.
    const sent = await api(server.url, 'POST', `/api/v1/applications/${id}/phone-confirmations`, { token });
    expect(sent.status).toBe(201);
    const wrong = await api(server.url, 'POST', `/api/v1/applications/${id}/phone-confirmations/confirm`, {
      token,
      body: { code: '12345' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].message).toContain('6 位数字');
    await confirmPhone(token, id, input.father.phone);
    // Codes are stored hashed: the number sent is nowhere in the database.
    const code = sms.sent.at(-1)!.templateParam.code;
    const stored = await server.connection.collection('phone_codes').find({}).toArray();
    expect(JSON.stringify(stored)).not.toContain(code);

    await itemEvent(id, 'birth_certificate', { type: 'reject', reasons: [{ message: '出生时间与医院记录不一致' }] });
    await drain();
    expect(smsTo(input.father.phone, 'item_rejected')).toHaveLength(1);
  });

  test('When the SMS provider refuses to send a code (account out of balance), then 503 and the refused SMS do not use up the phone’s hourly cap', async () => {
    const { token, id, input } = await wechatParent();
    const hourlyCap = server.config.SMS_CAP_PER_HOUR;
    for (let i = 0; i <= hourlyCap; i++) {
      sms.setNextError('isv.AMOUNT_NOT_ENOUGH');
      const refused = await api(server.url, 'POST', `/api/v1/applications/${id}/phone-confirmations`, { token });
      expect([i, refused.status]).toEqual([i, 503]);
      expect(refused.body.detail).toContain('短信发送失败');
    }
    // More refusals than the cap allows SMS, and still a code goes out once the provider sends again.
    await confirmPhone(token, id, input.father.phone);
  });

  test('When WeChat is down for a while, then the push is retried and delivered once, with one credit spent', async () => {
    const { openid, token, id } = await wechatParent();
    await subscribe(token, openid, [
      { templateId: 'T-item_rejected', result: 'accept' },
      { templateId: 'T-item_rejected', result: 'accept' },
    ]);
    await drain();
    await itemEvent(id, 'birth_certificate', { type: 'reject', reasons: [{ message: '出生时间与医院记录不一致' }] });
    wx.setNextError(-1);
    wx.setNextError(-1);
    const relay = policyRelay();
    expect(await relay.runOnce()).toMatchObject({ delivered: 0, retried: 1 });
    let entry = await entryOf(id, 'item_rejected');
    expect(entry.lastError).toBe('wechat: unavailable (-1)');
    clock = entry.nextAt.getTime();
    expect(await relay.runOnce()).toMatchObject({ delivered: 0, retried: 1 });
    entry = await entryOf(id, 'item_rejected');
    clock = entry.nextAt.getTime();
    expect(await relay.runOnce()).toMatchObject({ delivered: 1 });
    expect(pushesTo(openid, 'item_rejected')).toHaveLength(1);
    expect((await entryOf(id, 'item_rejected')).attempts).toBe(3);
    // The retries kept the credit they had taken: one of the two is left.
    const balance = await api(server.url, 'GET', '/api/v1/subscriptions', { token });
    expect(balance.body.subscriptions).toEqual([{ platform: 'wechat', templateId: 'T-item_rejected', credits: 1 }]);
  });

  test('When codes are asked for again and again, then the per-phone SMS cap stops them with a wait in Chinese, and nothing names the phone', async () => {
    const { token, id, input } = await wechatParent();
    const statuses: number[] = [];
    let last: { status: number; headers: Headers; body: { detail: string } } | undefined;
    for (let i = 0; i < 6; i++) {
      last = await api(server.url, 'POST', `/api/v1/applications/${id}/phone-confirmations`, { token });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    expect(last!.body.detail).toMatch(/该手机号接收的短信已达上限，请 \d+ 分钟后再获取验证码/);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(sms.sent.filter((m) => m.phoneNumbers === input.father.phone)).toHaveLength(5);
    expect(JSON.stringify(await server.connection.collection('sms_quota').find({}).toArray())).not.toContain(input.father.phone);
    expect(server.logs.join('')).not.toContain(input.father.phone);
    // Another parent's application is not found, not sent to.
    const stranger = await api(server.url, 'POST', `/api/v1/applications/${id}/phone-confirmations`, {
      token: (await wechatParent()).token,
    });
    expect(stranger.status).toBe(404);
  });
});

describe('quiet hours', () => {
  const until = (iso: string, text = '21:00-08:00') => quietUntil(new Date(iso), parseQuietHours(text))?.toISOString() ?? null;
  test('When a time falls inside 21:00–08:00 China time, then the wait ends at the next 08:00 China time; outside, there is none', () => {
    expect(until('2026-03-01T12:59:59.999Z')).toBeNull(); // 20:59:59
    expect(until('2026-03-01T13:00:00.000Z')).toBe('2026-03-02T00:00:00.000Z'); // 21:00 → 08:00 next day
    expect(until('2026-03-01T15:00:00.000Z')).toBe('2026-03-02T00:00:00.000Z'); // 23:00
    expect(until('2026-03-01T23:30:00.000Z')).toBe('2026-03-02T00:00:00.000Z'); // 07:30
    expect(until('2026-03-02T00:00:00.000Z')).toBeNull(); // 08:00
    expect(until('2026-03-01T05:00:00.000Z', '12:00-14:00')).toBe('2026-03-01T06:00:00.000Z');
    expect(until('2026-03-01T15:00:00.000Z', 'off')).toBeNull();
    expect(() => parseQuietHours('9pm-8am')).toThrow(/HH:MM-HH:MM/);
  });
});
