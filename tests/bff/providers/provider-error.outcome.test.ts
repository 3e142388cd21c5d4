// Every provider answer ends in one of three outcomes for a notice: sent, retry later on the same channel
// (throttled, 5xx, timeout), or give up on this channel so the notifier tries the next one (no
// subscription, invalid number or openid, template error). The adapters' code tables decide which.
import { httpStatusError } from '../../../bff/src/providers/http';
import { ProviderError, sendOutcome, type ErrorMapping } from '../../../bff/src/providers/provider-error';
import { ALIYUN_SMS_ERRORS } from '../../../bff/src/providers/sms/aliyun.sms';
import { TENCENT_SMS_ERRORS } from '../../../bff/src/providers/sms/tencent.sms';
import { WECHAT_PUSH_ERRORS } from '../../../bff/src/providers/push/wechat.push';
import { WECHAT_TOKEN_ERRORS } from '../../../bff/src/providers/push/wechat-access-token';
import { ALIPAY_PUSH_BAD_REQUEST } from '../../../bff/src/providers/push/alipay.push';

const outcome = (provider: string, code: string, m: ErrorMapping | undefined) =>
  sendOutcome(new ProviderError({ provider, providerCode: code, ...(m ?? { kind: 'unknown', retryable: false }) }));

describe('provider answers classified', () => {
  test.each([
    [43101, 'user_refused', 'next_channel'],
    [47003, 'template_invalid', 'next_channel'],
    [40037, 'template_invalid', 'next_channel'],
    [40003, 'recipient_invalid', 'next_channel'],
    [41030, 'template_invalid', 'next_channel'],
    [45009, 'rate_limited', 'retry_later'],
    [-1, 'unavailable', 'retry_later'],
    // 40001/42001 reach this table only when the token was still refused after the one shared refresh.
    [40001, 'invalid_credentials', 'next_channel'],
    [42001, 'invalid_credentials', 'next_channel'],
  ] as const)('WeChat subscribeMessage.send errcode %s is %s: %s', (code, kind, expected) => {
    expect(WECHAT_PUSH_ERRORS[code]!.kind).toBe(kind);
    expect(outcome('wechat', String(code), WECHAT_PUSH_ERRORS[code])).toBe(expected);
  });

  test('WeChat stable_token 45009 (daily quota) waits; a wrong AppSecret gives up', () => {
    expect(outcome('wechat', '45009', WECHAT_TOKEN_ERRORS[45009])).toBe('retry_later');
    expect(outcome('wechat', '40125', WECHAT_TOKEN_ERRORS[40125])).toBe('next_channel');
  });

  test('Alipay template errors give up on push', () => {
    for (const subCode of ['USER_TEMPLATE_ILLEGAL', 'USER_TEMPLATE_LACK_KEYWORD', 'USER_KEYWORD_LENGTH_ERROR'])
      expect(ALIPAY_PUSH_BAD_REQUEST.has(subCode)).toBe(true);
  });

  test.each([
    ['isv.MOBILE_NUMBER_ILLEGAL', 'recipient_invalid', 'next_channel'],
    ['isv.BUSINESS_LIMIT_CONTROL', 'rate_limited', 'retry_later'],
    ['isv.DAY_LIMIT_CONTROL', 'rate_limited', 'retry_later'],
    ['isv.SMS_TEMPLATE_ILLEGAL', 'template_invalid', 'next_channel'],
    ['isv.TEMPLATE_MISSING_PARAMETERS', 'template_invalid', 'next_channel'],
    ['isv.PARAM_LENGTH_LIMIT', 'template_invalid', 'next_channel'],
    ['isv.SMS_SIGNATURE_ILLEGAL', 'template_invalid', 'next_channel'],
    ['isp.SYSTEM_ERROR', 'unavailable', 'retry_later'],
    ['Throttling.User', 'rate_limited', 'retry_later'],
    ['SignatureDoesNotMatch', 'invalid_credentials', 'next_channel'],
  ] as const)('Aliyun SendSms %s is %s: %s', (code, kind, expected) => {
    expect(ALIYUN_SMS_ERRORS[code]!.kind).toBe(kind);
    expect(outcome('aliyun-sms', code, ALIYUN_SMS_ERRORS[code])).toBe(expected);
  });

  test.each([
    ['InvalidParameterValue.IncorrectPhoneNumber', 'recipient_invalid', 'next_channel'],
    ['FailedOperation.TemplateIncorrectOrUnapproved', 'template_invalid', 'next_channel'],
    ['FailedOperation.SignatureIncorrectOrUnapproved', 'template_invalid', 'next_channel'],
    ['FailedOperation.ContainSensitiveWord', 'template_invalid', 'next_channel'],
    ['FailedOperation.PhoneNumberInBlacklist', 'user_refused', 'next_channel'],
    ['LimitExceeded.PhoneNumberOneHourLimit', 'rate_limited', 'retry_later'],
    ['LimitExceeded.PhoneNumberDailyLimit', 'rate_limited', 'retry_later'],
    ['InternalError.Timeout', 'unavailable', 'retry_later'],
  ] as const)('Tencent SendSms %s is %s: %s', (code, kind, expected) => {
    expect(TENCENT_SMS_ERRORS[code]!.kind).toBe(kind);
    expect(outcome('tencent-sms', code, TENCENT_SMS_ERRORS[code])).toBe(expected);
  });

  test('HTTP 5xx and 429 wait, a timeout waits, and our own failures are retried', () => {
    expect(sendOutcome(httpStatusError('x', 503))).toBe('retry_later');
    expect(sendOutcome(httpStatusError('x', 429))).toBe('retry_later');
    expect(sendOutcome(new ProviderError({ provider: 'x', kind: 'unavailable', providerCode: 'TIMEOUT', retryable: true }))).toBe(
      'retry_later',
    );
    expect(sendOutcome(new Error('database busy'))).toBe('retry_later');
  });
});
