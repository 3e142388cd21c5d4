import { createAlipayIdentity } from '../../../bff/src/providers/identity/alipay.identity';
import { alipayTestKeys, startAlipayFake, type AlipayFake } from '../../support/fakes';
import { expectProviderError } from './expect-provider-error';

const APP_ID = '2021000122671080';
const keys = alipayTestKeys();
let fake: AlipayFake;

beforeEach(async () => {
  fake = await startAlipayFake({
    appId: APP_ID,
    appPublicKeyPem: keys.appPublicKeyPem,
    alipayPrivateKeyPem: keys.alipayPrivateKeyPem,
  });
});
afterEach(() => fake.close());

const adapter = (overrides: Partial<Parameters<typeof createAlipayIdentity>[0]> = {}) =>
  createAlipayIdentity({
    baseUrl: fake.url,
    appId: APP_ID,
    privateKeyPem: keys.appPrivateKeyPem,
    alipayPublicKeyPem: keys.alipayPublicKeyPem,
    timeoutMs: 2000,
    ...overrides,
  });

describe('Alipay alipay.system.oauth.token adapter', () => {
  it('when the authCode is valid, then user_id is the subject', async () => {
    const code = fake.issueCode({ userId: '2088102150477652' });
    await expect(adapter().exchange(code)).resolves.toEqual({ subject: '2088102150477652' });
    const [req] = fake.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/gateway.do' });
    expect(req!.query).toMatchObject({
      app_id: APP_ID,
      method: 'alipay.system.oauth.token',
      sign_type: 'RSA2',
      charset: 'utf-8',
      version: '1.0',
    });
    expect(Object.fromEntries(new URLSearchParams(req!.body))).toEqual({ grant_type: 'authorization_code', code });
  });

  it('when the app is on the OpenID scheme, then open_id is the subject', async () => {
    const code = fake.issueCode({ openId: '074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5' });
    await expect(adapter().exchange(code)).resolves.toEqual({ subject: '074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5' });
  });

  it('when the authCode is invalid or used, then error_response 40002 isv.code-invalid maps to invalid_code', async () => {
    const code = fake.issueCode({ userId: '2088102150477652' });
    await adapter().exchange(code);
    const err = await expectProviderError(adapter().exchange(code), {
      kind: 'invalid_code',
      retryable: false,
      providerCode: '40002:isv.code-invalid',
    });
    expect(err.message).not.toContain(code);
  });

  it.each([
    [{ code: '20000', subCode: 'isp.unknow-error' }, 'unavailable', true],
    [{ code: '20001', subCode: 'aop.invalid-auth-token' }, 'invalid_credentials', false],
    [{ code: '40001', subCode: 'isv.missing-method' }, 'bad_request', false],
    [{ code: '40004', subCode: 'SOMETHING_ELSE' }, 'unknown', false],
    [{ code: '40006', subCode: 'isv.insufficient-isv-permissions' }, 'invalid_credentials', false],
  ] as const)('when the gateway answers %o, then %s (retryable: %s)', async (error, kind, retryable) => {
    fake.setNextError(error);
    await expectProviderError(adapter().exchange(fake.issueCode({ userId: '2088102150477652' })), {
      kind,
      retryable,
      providerCode: `${error.code}:${error.subCode}`,
    });
  });

  it('when the app private key is not the one registered, then the gateway fails the signature (isv.invalid-signature) and it maps to invalid_credentials', async () => {
    const other = (await import('node:crypto')).generateKeyPairSync('rsa', { modulusLength: 2048 });
    const err = await expectProviderError(
      adapter({ privateKeyPem: other.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string }).exchange(
        fake.issueCode({ userId: '2088102150477652' }),
      ),
      { kind: 'invalid_credentials', retryable: false, providerCode: '40002:isv.invalid-signature' },
    );
    expect(err.message).not.toMatch(/验签|string/);
  });

  it('when the appId is wrong, then isv.invalid-app-id maps to invalid_credentials', async () => {
    await expectProviderError(adapter({ appId: '2021000000000000' }).exchange('x'), {
      kind: 'invalid_credentials',
      retryable: false,
      providerCode: '40002:isv.invalid-app-id',
    });
  });

  it('when the answer is signed by another key, then it is refused as invalid_credentials', async () => {
    fake.setNextResponseTampered('wrong-key');
    await expectProviderError(adapter().exchange(fake.issueCode({ userId: '2088102150477652' })), {
      kind: 'invalid_credentials',
      retryable: false,
      providerCode: 'RESPONSE_SIGNATURE_INVALID',
    });
  });

  it('when a successful answer carries no signature, then it is refused', async () => {
    fake.setNextResponseTampered('unsigned');
    await expectProviderError(adapter().exchange(fake.issueCode({ userId: '2088102150477652' })), {
      kind: 'invalid_credentials',
      retryable: false,
      providerCode: 'RESPONSE_SIGNATURE_INVALID',
    });
  });

  it("when the private key is given as Alipay's bare base64, then it works like the PEM", async () => {
    const bare = keys.appPrivateKeyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    const alipayBare = keys.alipayPublicKeyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    await expect(
      adapter({ privateKeyPem: bare, alipayPublicKeyPem: alipayBare }).exchange(fake.issueCode({ userId: '2088102150477652' })),
    ).resolves.toEqual({ subject: '2088102150477652' });
  });

  it('when Alipay never answers, then a retryable unavailable at the timeout', async () => {
    fake.setNeverAnswer(true);
    await expectProviderError(adapter({ timeoutMs: 150 }).exchange('any'), {
      kind: 'unavailable',
      retryable: true,
      providerCode: 'TIMEOUT',
    });
  });
});
