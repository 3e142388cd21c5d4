import { createAlipayPush } from '../../../bff/src/providers/push/alipay.push';
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

const adapter = (overrides: Partial<Parameters<typeof createAlipayPush>[0]> = {}) =>
  createAlipayPush({
    baseUrl: fake.url,
    appId: APP_ID,
    privateKeyPem: keys.appPrivateKeyPem,
    alipayPublicKeyPem: keys.alipayPublicKeyPem,
    timeoutMs: 2000,
    ...overrides,
  });

const message = (toUser = '2088102150477652') => ({
  toUser,
  templateId: 'ac768fca1ce245ccae9404bb5243c49b',
  page: 'pages/application/detail?id=app-1',
  data: { keyword1: '出生医学证明', keyword2: '已办结' },
  idempotencyKey: 'app-1:birth_certificate:completed',
});

describe('Alipay alipay.open.app.mini.templatemessage.send adapter', () => {
  it('when sending to a user_id, then biz_content names to_user_id, the template, the page and the keywords', async () => {
    await expect(adapter().send(message())).resolves.toEqual({});
    expect(fake.sent).toEqual([
      {
        to_user_id: '2088102150477652',
        user_template_id: 'ac768fca1ce245ccae9404bb5243c49b',
        page: 'pages/application/detail?id=app-1',
        data: JSON.stringify({ keyword1: { value: '出生医学证明' }, keyword2: { value: '已办结' } }),
      },
    ]);
    expect(fake.requests[0]!.query.method).toBe('alipay.open.app.mini.templatemessage.send');
  });

  it('when sending to an open_id, then biz_content names to_open_id', async () => {
    await adapter().send(message('074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5'));
    expect(fake.sent[0]).toMatchObject({ to_open_id: '074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5' });
  });

  it.each([
    [{ code: '40004', subCode: 'USER_TEMPLATE_ILLEGAL' }, 'template_invalid', false],
    [{ code: '40004', subCode: 'USER_TEMPLATE_LACK_KEYWORD' }, 'template_invalid', false],
    [{ code: '40004', subCode: 'USER_KEYWORD_LENGTH_ERROR' }, 'template_invalid', false],
    [{ code: '40004', subCode: 'SOMETHING_UNDOCUMENTED' }, 'unknown', false],
    [{ code: '20000', subCode: 'isp.unknow-error' }, 'unavailable', true],
    [{ code: '40006', subCode: 'isv.insufficient-isv-permissions' }, 'invalid_credentials', false],
  ] as const)('when the gateway answers %o, then %s (retryable: %s)', async (error, kind, retryable) => {
    fake.setNextError(error);
    await expectProviderError(adapter().send(message()), { kind, retryable, providerCode: `${error.code}:${error.subCode}` });
  });

  it('when a keyword is longer than 50 characters, then the real USER_KEYWORD_LENGTH_ERROR check answers template_invalid', async () => {
    await expectProviderError(adapter().send({ ...message(), data: { keyword1: '长'.repeat(51) } }), {
      kind: 'template_invalid',
      retryable: false,
      providerCode: '40004:USER_KEYWORD_LENGTH_ERROR',
    });
  });

  it('when the app key is wrong, then isv.invalid-signature maps to invalid_credentials', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    await expectProviderError(adapter({ privateKeyPem: other }).send(message()), {
      kind: 'invalid_credentials',
      retryable: false,
      providerCode: '40002:isv.invalid-signature',
    });
    expect(fake.sent).toHaveLength(0);
  });

  it('when Alipay never answers, then a retryable unavailable at the timeout', async () => {
    fake.setNeverAnswer(true);
    await expectProviderError(adapter({ timeoutMs: 150 }).send(message()), {
      kind: 'unavailable',
      retryable: true,
      providerCode: 'TIMEOUT',
    });
  });
});
