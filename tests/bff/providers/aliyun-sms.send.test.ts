import { createAliyunSms } from '../../../bff/src/providers/sms/aliyun.sms';
import { startAliyunSmsFake, type AliyunSmsFake } from '../../support/fakes';
import { expectProviderError } from './expect-provider-error';

const CREDS = { accessKeyId: 'LTAI5tTestAccessKeyId00', accessKeySecret: 'TestAccessKeySecret0123456789ab' };
const PHONE = '13800138000';
let fake: AliyunSmsFake;

beforeEach(async () => {
  fake = await startAliyunSmsFake({ ...CREDS, signNames: ['浙江政务服务'], templates: { SMS_465000001: ['item', 'status'] } });
});
afterEach(() => fake.close());

const adapter = (overrides: Partial<Parameters<typeof createAliyunSms>[0]> = {}) =>
  createAliyunSms({ endpoint: fake.url, ...CREDS, signName: '浙江政务服务', timeoutMs: 2000, ...overrides });

const message = {
  phone: PHONE,
  templateCode: 'SMS_465000001',
  params: { item: '出生医学证明', status: '已办结' },
  idempotencyKey: 'app-1:birth_certificate:completed',
};

describe('Aliyun Dysmsapi SendSms adapter', () => {
  it('when the request is well signed, then the SMS is accepted and its BizId returned', async () => {
    const result = await adapter().send(message);
    expect(result.providerMessageId).toMatch(/\^0$/);
    expect(fake.sent).toEqual([
      {
        phoneNumbers: PHONE,
        signName: '浙江政务服务',
        templateCode: 'SMS_465000001',
        templateParam: { item: '出生医学证明', status: '已办结' },
        outId: 'app-1:birth_certificate:completed',
        bizId: result.providerMessageId,
      },
    ]);
    const [req] = fake.requests;
    expect(req!.headers).toMatchObject({ 'x-acs-action': 'SendSms', 'x-acs-version': '2017-05-25' });
    expect(req!.headers.authorization).toMatch(
      /^ACS3-HMAC-SHA256 Credential=LTAI5tTestAccessKeyId00,SignedHeaders=host;x-acs-action;x-acs-content-sha256;([a-z-]+;)?x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=[0-9a-f]{64}$/,
    );
  });

  it('when two messages are sent, then each carries its own nonce', async () => {
    await adapter().send(message);
    await adapter().send(message);
    expect(new Set(fake.requests.map((r) => r.headers['x-acs-signature-nonce'])).size).toBe(2);
  });

  it.each([
    ['isv.BUSINESS_LIMIT_CONTROL', 'rate_limited', true],
    ['isv.MOBILE_NUMBER_ILLEGAL', 'recipient_invalid', false],
    ['isv.TEMPLATE_MISSING_PARAMETERS', 'template_invalid', false],
    ['isv.AMOUNT_NOT_ENOUGH', 'unavailable', false],
    ['isp.SYSTEM_ERROR', 'unavailable', true],
    ['Throttling.User', 'rate_limited', true],
    ['InvalidAccessKeyId.NotFound', 'invalid_credentials', false],
    ['ServiceUnavailable', 'unavailable', true],
    ['isv.SOMETHING_NEW', 'unknown', false],
  ] as const)('when Aliyun answers %s, then %s (retryable: %s)', async (code, kind, retryable) => {
    fake.setNextError(code);
    await expectProviderError(adapter().send(message), { kind, retryable, providerCode: code });
  });

  it('when the number is not a mobile number, then the real check answers isv.MOBILE_NUMBER_ILLEGAL as recipient_invalid', async () => {
    await expectProviderError(adapter().send({ ...message, phone: '0571-8888888' }), {
      kind: 'recipient_invalid',
      retryable: false,
      providerCode: 'isv.MOBILE_NUMBER_ILLEGAL',
    });
  });

  it('when a template variable is missing, then isv.TEMPLATE_MISSING_PARAMETERS as template_invalid', async () => {
    await expectProviderError(adapter().send({ ...message, params: { item: '出生医学证明' } }), {
      kind: 'template_invalid',
      retryable: false,
      providerCode: 'isv.TEMPLATE_MISSING_PARAMETERS',
    });
  });

  it('when the secret is wrong, then SignatureDoesNotMatch maps to invalid_credentials and the echoed phone number stays out of the error', async () => {
    const err = await expectProviderError(adapter({ accessKeySecret: 'wrong-secret' }).send(message), {
      kind: 'invalid_credentials',
      retryable: false,
      providerCode: 'SignatureDoesNotMatch',
    });
    expect(err.message).not.toContain(PHONE);
    expect(JSON.stringify(err)).not.toContain(PHONE);
    expect(fake.sent).toHaveLength(0);
  });

  it('when the AccessKey id is unknown, then InvalidAccessKeyId.NotFound (HTTP 404) maps to invalid_credentials', async () => {
    await expectProviderError(adapter({ accessKeyId: 'LTAI-not-ours' }).send(message), {
      kind: 'invalid_credentials',
      retryable: false,
      providerCode: 'InvalidAccessKeyId.NotFound',
    });
  });

  it('when Aliyun never answers, then a retryable unavailable at the timeout', async () => {
    fake.setNeverAnswer(true);
    await expectProviderError(adapter({ timeoutMs: 150 }).send(message), {
      kind: 'unavailable',
      retryable: true,
      providerCode: 'TIMEOUT',
    });
  });
});
