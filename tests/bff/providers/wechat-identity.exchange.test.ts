import { createWechatIdentity } from '../../../bff/src/providers/identity/wechat.identity';
import { startWechatFake, type WechatFake } from '../../support/fakes';
import { expectProviderError } from './expect-provider-error';

const APP = { appId: 'wx0123456789abcdef', appSecret: 'app-secret-0123456789abcdef012345' };
let fake: WechatFake;

beforeEach(async () => {
  fake = await startWechatFake(APP);
});
afterEach(() => fake.close());

const adapter = (overrides: Partial<Parameters<typeof createWechatIdentity>[0]> = {}) =>
  createWechatIdentity({ baseUrl: fake.url, ...APP, timeoutMs: 2000, ...overrides });

describe('WeChat code2Session adapter', () => {
  it('when the code is valid, then the openid is the subject and unionid is passed on', async () => {
    const code = fake.issueCode('oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', 'oHAUs6LSuwgHq-mlnFrffKXw3QYM');
    await expect(adapter().exchange(code)).resolves.toEqual({
      subject: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
      unionId: 'oHAUs6LSuwgHq-mlnFrffKXw3QYM',
    });
    const [req] = fake.requests;
    expect(req).toMatchObject({ method: 'GET', path: '/sns/jscode2session' });
    expect(req!.query).toEqual({ appid: APP.appId, secret: APP.appSecret, js_code: code, grant_type: 'authorization_code' });
  });

  it('when the answer carries a session_key, then it does not leave the adapter', async () => {
    const result = await adapter().exchange(fake.issueCode('oUpF8uMuAJO_M2pxb1Q9zNjWeS6o'));
    expect(Object.keys(result)).toEqual(['subject']);
  });

  it('when the code is unknown (40029), then invalid_code, not retryable, and the code is not in the message', async () => {
    const err = await expectProviderError(adapter().exchange('061Xyz0w3Abc1X2pY3000xyzABC'), {
      kind: 'invalid_code',
      retryable: false,
      providerCode: '40029',
    });
    expect(err.message).not.toContain('061Xyz0w3Abc1X2pY3000xyzABC');
  });

  it('when a code is used twice (40163), then invalid_code', async () => {
    const code = fake.issueCode('oUpF8uMuAJO_M2pxb1Q9zNjWeS6o');
    await adapter().exchange(code);
    await expectProviderError(adapter().exchange(code), { kind: 'invalid_code', retryable: false, providerCode: '40163' });
  });

  it.each([
    [45011, 'rate_limited', true],
    [40226, 'user_refused', false],
    [-1, 'unavailable', true],
    [40013, 'invalid_credentials', false],
    [40029, 'invalid_code', false],
    [99999, 'unknown', false],
  ] as const)('when WeChat answers errcode %s, then %s (retryable: %s)', async (errcode, kind, retryable) => {
    fake.setNextError(errcode);
    await expectProviderError(adapter().exchange(fake.issueCode('oUpF8uMuAJO_M2pxb1Q9zNjWeS6o')), {
      kind,
      retryable,
      providerCode: String(errcode),
    });
  });

  it('when the app secret is wrong, then WeChat rejects it (40125) and it maps to invalid_credentials', async () => {
    const err = await expectProviderError(
      adapter({ appSecret: 'wrong-secret' }).exchange(fake.issueCode('oUpF8uMuAJO_M2pxb1Q9zNjWeS6o')),
      {
        kind: 'invalid_credentials',
        retryable: false,
        providerCode: '40125',
      },
    );
    expect(err.message).not.toContain('wrong-secret');
  });

  it('when the appid is wrong, then 40013 maps to invalid_credentials', async () => {
    await expectProviderError(adapter({ appId: 'wx-not-ours' }).exchange('x'), {
      kind: 'invalid_credentials',
      retryable: false,
      providerCode: '40013',
    });
  });

  it('when the code is empty, then invalid_code without calling WeChat', async () => {
    await expectProviderError(adapter().exchange(''), { kind: 'invalid_code', retryable: false, providerCode: 'EMPTY_CODE' });
    expect(fake.requests).toHaveLength(0);
  });

  it('when WeChat never answers, then the call gives up at the timeout with a retryable unavailable', async () => {
    fake.setNeverAnswer(true);
    const started = Date.now();
    await expectProviderError(adapter({ timeoutMs: 150 }).exchange('any'), {
      kind: 'unavailable',
      retryable: true,
      providerCode: 'TIMEOUT',
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('when nothing listens at the address, then a retryable unavailable', async () => {
    const url = fake.url;
    await fake.close();
    await expectProviderError(createWechatIdentity({ baseUrl: url, ...APP, timeoutMs: 1000 }).exchange('any'), {
      kind: 'unavailable',
      retryable: true,
      providerCode: 'NETWORK',
    });
    fake = await startWechatFake(APP);
  });
});
