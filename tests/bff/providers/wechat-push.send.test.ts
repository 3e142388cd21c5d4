import { createWechatPush } from '../../../bff/src/providers/push/wechat.push';
import { startWechatFake, type WechatFake } from '../../support/fakes';
import { expectProviderError } from './expect-provider-error';

const APP = { appId: 'wx0123456789abcdef', appSecret: 'app-secret-0123456789abcdef012345' };
const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o';
let fake: WechatFake;

beforeEach(async () => {
  fake = await startWechatFake(APP);
});
afterEach(() => fake.close());

const adapter = (overrides: Partial<Parameters<typeof createWechatPush>[0]> = {}) =>
  createWechatPush({ baseUrl: fake.url, ...APP, timeoutMs: 2000, ...overrides });

const message = (n = 1) => ({
  toUser: OPENID,
  templateId: 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc',
  page: 'pages/application/detail?id=app-1',
  data: { thing1: '出生医学证明', phrase2: '已办结', time3: '2025-03-01 10:00' },
  idempotencyKey: `app-1:birth_certificate:completed:${n}`,
});

const sends = () => fake.requests.filter((r) => r.path === '/cgi-bin/message/subscribe/send');

describe('WeChat subscribeMessage.send adapter', () => {
  it("when the user is subscribed, then the message is sent in WeChat's format and its msgid returned", async () => {
    const result = await adapter().send(message());
    expect(result.providerMessageId).toMatch(/^\d+$/);
    expect(fake.sent).toEqual([
      {
        touser: OPENID,
        template_id: 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc',
        page: 'pages/application/detail?id=app-1',
        data: { thing1: { value: '出生医学证明' }, phrase2: { value: '已办结' }, time3: { value: '2025-03-01 10:00' } },
        miniprogram_state: 'formal',
        lang: 'zh_CN',
      },
    ]);
  });

  it('when several messages are sent, then the access token is fetched once and reused', async () => {
    const push = adapter();
    for (let i = 0; i < 3; i++) await push.send(message(i));
    expect(fake.tokenRequests()).toBe(1);
    const tokens = new Set(sends().map((r) => r.query.access_token));
    expect(tokens.size).toBe(1);
  });

  it('when sends start concurrently with no token yet, then one token request serves them all', async () => {
    const push = adapter();
    await Promise.all([push.send(message(1)), push.send(message(2)), push.send(message(3))]);
    expect(fake.tokenRequests()).toBe(1);
  });

  it('when the token is revoked (40001), then it is renewed once and the message goes out', async () => {
    const push = adapter();
    await push.send(message(1));
    fake.revokeAccessTokens();
    await expect(push.send(message(2))).resolves.toHaveProperty('providerMessageId');
    expect(fake.tokenRequests()).toBe(2);
    expect(sends()).toHaveLength(3);
    expect(fake.sent).toHaveLength(2);
  });

  it('when the renewed token is rejected as well, then it gives up after one renewal with invalid_credentials', async () => {
    const push = adapter();
    await push.send(message(1));
    fake.setNextError(40001);
    fake.setNextError(42001);
    await expectProviderError(push.send(message(2)), { kind: 'invalid_credentials', retryable: false, providerCode: '42001' });
    expect(sends()).toHaveLength(3);
  });

  it('when normal mode hands back the very token just rejected, then a forced refresh gets a new one', async () => {
    const push = adapter();
    await push.send(message(1));
    fake.setNextError(40001); // rejected while the platform still considers it current
    await push.send(message(2));
    const tokenBodies = fake.requests
      .filter((r) => r.path === '/cgi-bin/stable_token')
      .map((r) => JSON.parse(r.body) as { force_refresh: boolean });
    expect(tokenBodies.map((b) => b.force_refresh)).toEqual([false, false, true]);
    const [first, , third] = sends().map((r) => r.query.access_token);
    expect(third).not.toBe(first);
  });

  it("when the cached token reaches the platform's rotation window, then a new one is fetched", async () => {
    let now = 1_000_000;
    const push = adapter({ now: () => now });
    await push.send(message(1));
    now += (7200 - 300) * 1000 - 1;
    await push.send(message(2));
    expect(fake.tokenRequests()).toBe(1);
    now += 2;
    await push.send(message(3));
    expect(fake.tokenRequests()).toBe(2);
  });

  it.each([
    [43101, 'user_refused', false],
    [47003, 'template_invalid', false],
    [40003, 'recipient_invalid', false],
    [40037, 'template_invalid', false],
    [45009, 'rate_limited', true],
    [-1, 'unavailable', true],
    [12345, 'unknown', false],
  ] as const)('when WeChat answers errcode %s, then %s (retryable: %s)', async (errcode, kind, retryable) => {
    fake.setNextError(errcode);
    await expectProviderError(adapter().send(message()), { kind, retryable, providerCode: String(errcode) });
  });

  it('when the user has not subscribed, then user_refused from the real check', async () => {
    fake.refuseMessagesFor(OPENID);
    await expectProviderError(adapter().send(message()), { kind: 'user_refused', retryable: false, providerCode: '43101' });
  });

  it("when a template value is empty, then WeChat's 47003 comes back as template_invalid", async () => {
    await expectProviderError(adapter().send({ ...message(), data: { thing1: '' } }), {
      kind: 'template_invalid',
      retryable: false,
      providerCode: '47003',
    });
  });

  it('when the app secret is wrong, then the token request is refused (40125) as invalid_credentials and nothing is sent', async () => {
    await expectProviderError(adapter({ appSecret: 'wrong' }).send(message()), {
      kind: 'invalid_credentials',
      retryable: false,
      providerCode: '40125',
    });
    expect(sends()).toHaveLength(0);
  });

  it('when the token endpoint is busy (-1), then a retryable unavailable', async () => {
    fake.setNextTokenError(-1);
    await expectProviderError(adapter().send(message()), { kind: 'unavailable', retryable: true, providerCode: '-1' });
  });

  it('when WeChat never answers, then the send gives up at the timeout with a retryable unavailable', async () => {
    const push = adapter({ timeoutMs: 150 });
    await push.send(message(1));
    fake.setNeverAnswer(true);
    await expectProviderError(push.send(message(2)), { kind: 'unavailable', retryable: true, providerCode: 'TIMEOUT' });
  });
});
