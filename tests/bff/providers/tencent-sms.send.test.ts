import { createTencentSms } from '../../../bff/src/providers/sms/tencent.sms';
import { startTencentSmsFake, type TencentSmsFake } from '../../support/fakes';
import { expectProviderError } from './expect-provider-error';

const CREDS = { secretId: 'AKIDtestSecretId0123456789abcdefABCD', secretKey: 'testSecretKey0123456789abcdefAB' };
const SDK_APP_ID = '1400006666';
const PHONE = '13800138000';
let fake: TencentSmsFake;

beforeEach(async () => {
  fake = await startTencentSmsFake({ ...CREDS, sdkAppId: SDK_APP_ID, signNames: ['浙江政务服务'], templates: { '1234567': 2 } });
});
afterEach(() => fake.close());

const adapter = (overrides: Partial<Parameters<typeof createTencentSms>[0]> = {}) =>
  createTencentSms({
    endpoint: fake.url,
    ...CREDS,
    sdkAppId: SDK_APP_ID,
    signName: '浙江政务服务',
    region: 'ap-guangzhou',
    timeoutMs: 2000,
    ...overrides,
  });

const message = {
  phone: PHONE,
  templateCode: '1234567',
  params: { '2': '已办结', '1': '出生医学证明' },
  idempotencyKey: 'app-1:birth_certificate:completed',
};

describe('Tencent SMS SendSms adapter', () => {
  it('when the request is well signed, then the SMS is accepted, params in template order, and its SerialNo returned', async () => {
    const result = await adapter().send(message);
    expect(result.providerMessageId).toMatch(/^2640:/);
    expect(fake.sent).toEqual([
      {
        phoneNumber: '+8613800138000',
        signName: '浙江政务服务',
        templateId: '1234567',
        templateParamSet: ['出生医学证明', '已办结'],
        sessionContext: 'app-1:birth_certificate:completed',
        serialNo: result.providerMessageId,
      },
    ]);
    const [req] = fake.requests;
    expect(req!.headers).toMatchObject({
      'x-tc-action': 'SendSms',
      'x-tc-version': '2021-01-11',
      'x-tc-region': 'ap-guangzhou',
      'content-type': 'application/json',
      // The signature names service "sms" and the real host, whatever address the fake listens on.
      host: 'sms.tencentcloudapi.com',
    });
    expect(req!.headers.authorization).toMatch(
      /^TC3-HMAC-SHA256 Credential=AKIDtestSecretId0123456789abcdefABCD\/\d{4}-\d{2}-\d{2}\/sms\/tc3_request, SignedHeaders=content-type;host, Signature=[0-9a-f]{64}$/,
    );
  });

  it('when the number already has +86, then it is sent unchanged', async () => {
    await adapter().send({ ...message, phone: '+8613800138000' });
    expect(fake.sent[0]!.phoneNumber).toBe('+8613800138000');
  });

  it.each([
    ['LimitExceeded.PhoneNumberDailyLimit', 'rate_limited', true],
    ['LimitExceeded.PhoneNumberThirtySecondLimit', 'rate_limited', true],
    ['InvalidParameterValue.IncorrectPhoneNumber', 'recipient_invalid', false],
    ['FailedOperation.PhoneNumberInBlacklist', 'user_refused', false],
    ['FailedOperation.TemplateIncorrectOrUnapproved', 'template_invalid', false],
    ['FailedOperation.InsufficientBalanceInSmsPackage', 'unavailable', false],
    ['RequestLimitExceeded', 'rate_limited', true],
    ['InternalError', 'unavailable', true],
    ['InternalError.SomethingNew', 'unavailable', true],
    ['AuthFailure.SecretIdNotFound', 'invalid_credentials', false],
    ['UnknownFamily.Whatever', 'unknown', false],
  ] as const)('when Tencent answers %s, then %s (retryable: %s)', async (code, kind, retryable) => {
    fake.setNextError(code);
    await expectProviderError(adapter().send(message), { kind, retryable, providerCode: code });
  });

  it('when the number is malformed, then the per-number status InvalidParameterValue.IncorrectPhoneNumber is recipient_invalid', async () => {
    await expectProviderError(adapter().send({ ...message, phone: '12345' }), {
      kind: 'recipient_invalid',
      retryable: false,
      providerCode: 'InvalidParameterValue.IncorrectPhoneNumber',
    });
  });

  it('when the secret key is wrong, then AuthFailure.SignatureFailure maps to invalid_credentials', async () => {
    const err = await expectProviderError(adapter({ secretKey: 'wrong' }).send(message), {
      kind: 'invalid_credentials',
      retryable: false,
      providerCode: 'AuthFailure.SignatureFailure',
    });
    expect(err.message).not.toContain(PHONE);
    expect(fake.sent).toHaveLength(0);
  });

  it('when the SDK app id is not ours, then InvalidParameterValue.SdkAppIdNotExist maps to invalid_credentials', async () => {
    await expectProviderError(adapter({ sdkAppId: '1400000000' }).send(message), {
      kind: 'invalid_credentials',
      retryable: false,
      providerCode: 'InvalidParameterValue.SdkAppIdNotExist',
    });
  });

  it('when template params are named instead of positional, then bad_request without calling Tencent', async () => {
    await expectProviderError(adapter().send({ ...message, params: { item: 'x' } }), {
      kind: 'bad_request',
      retryable: false,
      providerCode: 'TEMPLATE_PARAMS_NOT_POSITIONAL',
    });
    expect(fake.requests).toHaveLength(0);
  });

  it('when Tencent never answers, then a retryable unavailable at the timeout', async () => {
    fake.setNeverAnswer(true);
    await expectProviderError(adapter({ timeoutMs: 150 }).send(message), {
      kind: 'unavailable',
      retryable: true,
      providerCode: 'TIMEOUT',
    });
  });
});
