// What `npm start` shows in /dev/inbox after a journey, with the channel policy as in development (no push
// without a subscription, SMS only to a confirmed phone): push for the templates the parent subscribed to,
// one-segment SMS for the rest, and the inbox page readable. The parent logs in with the dev identity, whose
// demo phone counts as confirmed (as 浙里办's verified phone does in production).
import { ITEM_KEYS } from '@birth/shared';
import { devIdentity } from '../../bff/src/components/auth';
import { SMS_SEGMENT_CHARS } from '../../bff/src/components/notifications/notification.formats';
import { applicationFor, drain, finishAllItems } from '../support/ratings';
import { submittedApplication } from '../support/fixtures';
import { api, startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    // The development defaults of the policy (the test server's own defaults relax them for other suites).
    DEV_PUSH_WITHOUT_SUBSCRIPTION: 'false',
    SMS_REQUIRE_CONFIRMED_PHONE: 'true',
    // Deterministic whatever the hour and however quick the events: no quiet hours, no combining, no caps.
    SMS_QUIET_HOURS: 'off',
    NOTICE_COMBINE_WINDOW_SECONDS: '0',
    SMS_CAP_PER_HOUR: '50',
    SMS_CAP_PER_DAY: '100',
  });
});
afterAll(() => server.close());

test('when a subscribed parent goes through the whole journey, then /dev/inbox shows push for the subscribed template and one-segment SMS for the rest', async () => {
  const code = `dev-inbox-${Date.now()}`;
  const login = await api(server.url, 'POST', '/api/v1/auth/login', { body: { platform: 'dev', code } });
  expect(login.status).toBe(200);
  const token = login.body.accessToken as string;
  const phone = devIdentity(code).phone!;
  const input = applicationFor([...ITEM_KEYS]);
  input.mother.phone = phone;
  input.father.phone = phone;
  const { id } = await submittedApplication(server.url, input, token);

  // The prompt after submit: progress updates accepted (one credit each), the rating invitation declined.
  const subscribed = await api(server.url, 'POST', '/api/v1/subscriptions', {
    token,
    body: {
      platform: 'wechat',
      code: 'dev-openid-0001',
      results: [
        ...ITEM_KEYS.map(() => ({ templateId: 'item_accepted', result: 'accept' })),
        { templateId: 'rating_invitation', result: 'reject' },
      ],
    },
  });
  expect(subscribed.status).toBe(201);
  expect(subscribed.body.accepted).toBe(ITEM_KEYS.length);

  await finishAllItems(server.url, id, input);
  await drain(server);

  const notices = await server.connection.collection('notifications').find({ applicationId: id }).toArray();
  const inbox = await server.connection
    .collection('dev_inbox')
    .find({ _id: { $in: notices.flatMap((n) => [`${String(n._id)}:push`, `${String(n._id)}:sms`]) } as never })
    .toArray();
  const push = inbox.filter((m) => m.channel === 'push');
  const sms = inbox.filter((m) => m.channel === 'sms');
  // Every accepted item went by push on its credit; nothing else was pushed (no other credit).
  expect(push.map((m) => m.template).sort()).toEqual(ITEM_KEYS.map(() => 'item_accepted'));
  // No notice went both ways, and the SMS were the ones worth one, each within one segment, signed.
  const pushed = new Set(push.map((m) => String(m._id).replace(/:push$/, '')));
  expect(sms.filter((m) => pushed.has(String(m._id).replace(/:sms$/, '')))).toEqual([]);
  expect(sms.length).toBeGreaterThanOrEqual(4);
  for (const m of sms) {
    expect(String(m.text).length).toBeLessThanOrEqual(SMS_SEGMENT_CHARS);
    expect(String(m.text)).toMatch(/^【[^】]+】/);
    expect(m.recipient).toBe(`${phone.slice(0, 3)}****${phone.slice(7)}`);
  }
  const smsTemplates = new Set(sms.map((m) => String(m.template).split('.')[0]));
  for (const t of ['application_submitted', 'item_shipped', 'application_completed', 'medical_insurance_payment'])
    expect(smsTemplates).toContain(t);

  // The page itself: both channels listed, phones masked.
  const page = await fetch(`${server.url}/dev/inbox`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('订阅消息推送');
  expect(html).toContain('短信');
  expect(html).toContain(String(sms[0]!.text));
  expect(html).not.toContain(phone);
});
