// Tencent Cloud SMS: API 3.0 SendSms, version 2021-01-11 (cloud.tencent.com/document/api/382/55981),
// POST {endpoint}/ with a JSON body, X-TC-Action/Version/Timestamp/Region headers and a TC3-HMAC-SHA256
// Authorization (../signing/tc3.ts). Tencent answers HTTP 200 in every case:
//   { Response: { SendStatusSet: [{ SerialNo, PhoneNumber, Fee, SessionContext, Code: 'Ok' | …, Message, IsoCode }], RequestId } }
//   { Response: { Error: { Code, Message }, RequestId } }
// Error codes: the common table (cloud.tencent.com/document/api/382/52075) and SMS's own (…/382/59177).
import { httpStatusError, parseJsonBody, providerFetch } from '../http';
import { ProviderError, type ErrorMapping } from '../provider-error';
import { signTc3 } from '../signing/tc3';
import type { SmsProvider } from './sms-provider';

const PROVIDER = 'tencent-sms';
const CONTENT_TYPE = 'application/json; charset=utf-8';

export interface TencentSmsConfig {
  /** https://sms.tencentcloudapi.com in production. */
  endpoint: string;
  secretId: string;
  secretKey: string;
  /** SmsSdkAppId, e.g. "1400006666". */
  sdkAppId: string;
  signName: string;
  /** ap-guangzhou for mainland numbers. */
  region: string;
  timeoutMs: number;
}

const RATE: ErrorMapping = { kind: 'rate_limited', retryable: true };
const BAD: ErrorMapping = { kind: 'bad_request', retryable: false };
const CREDENTIALS: ErrorMapping = { kind: 'invalid_credentials', retryable: false };
const DOWN: ErrorMapping = { kind: 'unavailable', retryable: true };
const NUMBER: ErrorMapping = { kind: 'recipient_invalid', retryable: false };
const TEMPLATE: ErrorMapping = { kind: 'template_invalid', retryable: false };

export const TENCENT_SMS_ERRORS: Record<string, ErrorMapping> = {
  'AuthFailure.SignatureFailure': CREDENTIALS,
  'AuthFailure.SecretIdNotFound': CREDENTIALS,
  'AuthFailure.InvalidSecretId': CREDENTIALS,
  'AuthFailure.InvalidAuthorization': CREDENTIALS,
  'AuthFailure.UnauthorizedOperation': CREDENTIALS,
  'AuthFailure.TokenFailure': CREDENTIALS,
  'AuthFailure.SignatureExpire': BAD, // our clock is off by more than 5 minutes
  'UnauthorizedOperation.RequestIpNotInWhitelist': CREDENTIALS,
  'UnauthorizedOperation.RequestPermissionDeny': CREDENTIALS,
  'UnauthorizedOperation.SmsSdkAppIdVerifyFail': CREDENTIALS,
  'UnauthorizedOperation.ServiceSuspendDueToArrears': { kind: 'unavailable', retryable: false },
  'FailedOperation.InsufficientBalanceInSmsPackage': { kind: 'unavailable', retryable: false },
  'InvalidParameterValue.SdkAppIdNotExist': CREDENTIALS,
  'InvalidParameterValue.IncorrectPhoneNumber': NUMBER,
  'InvalidParameterValue.TemplateParameterFormatError': TEMPLATE,
  'InvalidParameterValue.TemplateParameterLengthLimit': TEMPLATE,
  'InvalidParameterValue.ContentLengthLimit': TEMPLATE,
  'InvalidParameterValue.ProhibitedUseUrlInTemplateParameter': TEMPLATE,
  'FailedOperation.SignatureIncorrectOrUnapproved': TEMPLATE,
  'FailedOperation.TemplateIncorrectOrUnapproved': TEMPLATE,
  'FailedOperation.TemplateParamSetNotMatchApprovedTemplate': TEMPLATE,
  'FailedOperation.ContainSensitiveWord': TEMPLATE,
  'FailedOperation.FailResolvePacket': BAD,
  // The number is on the do-not-disturb list: the person unsubscribed (or the carrier blocks it).
  'FailedOperation.PhoneNumberInBlacklist': { kind: 'user_refused', retryable: false },
  'LimitExceeded.PhoneNumberDailyLimit': RATE,
  'LimitExceeded.PhoneNumberOneHourLimit': RATE,
  'LimitExceeded.PhoneNumberThirtySecondLimit': RATE,
  'LimitExceeded.PhoneNumberSameContentDailyLimit': RATE,
  'LimitExceeded.DailyLimit': RATE,
  'LimitExceeded.DeliveryFrequencyLimit': RATE,
  RequestLimitExceeded: RATE,
  InternalError: DOWN,
  'InternalError.Timeout': DOWN,
  'InternalError.OtherError': DOWN,
  'InternalError.RequestTimeException': BAD,
  MissingParameter: BAD,
  InvalidParameter: BAD,
  InvalidParameterValue: BAD,
};

function mappingOf(code: string): ErrorMapping {
  const exact = TENCENT_SMS_ERRORS[code];
  if (exact) return exact;
  // Fall back on the documented families (RequestLimitExceeded.IPLimitExceeded, InternalError.*, …).
  const family = code.split('.')[0] ?? code;
  if (family === 'RequestLimitExceeded' || family === 'LimitExceeded') return RATE;
  if (family === 'InternalError') return DOWN;
  if (family === 'AuthFailure' || family === 'UnauthorizedOperation') return CREDENTIALS;
  if (family === 'InvalidParameter' || family === 'InvalidParameterValue' || family === 'MissingParameter') return BAD;
  return { kind: 'unknown', retryable: false };
}

/** 11-digit mainland numbers become E.164 (+86…); numbers already in E.164 pass through. */
function toE164(phone: string): string {
  return phone.startsWith('+') ? phone : `+86${phone.replace(/^(0086|86)(?=\d{11}$)/, '')}`;
}

export function createTencentSms(config: TencentSmsConfig): SmsProvider {
  const endpoint = new URL(config.endpoint);
  return {
    vendor: 'tencent',
    async send(msg) {
      const keys = Object.keys(msg.params);
      if (!keys.every((k) => /^[1-9]\d*$/.test(k))) {
        throw new ProviderError({
          provider: PROVIDER,
          kind: 'bad_request',
          providerCode: 'TEMPLATE_PARAMS_NOT_POSITIONAL',
          retryable: false,
          hint: 'Tencent template params must be keyed "1", "2", …',
        });
      }
      const templateParamSet = keys.sort((a, b) => Number(a) - Number(b)).map((k) => msg.params[k] ?? '');
      const payload = JSON.stringify({
        PhoneNumberSet: [toE164(msg.phone)],
        SmsSdkAppId: config.sdkAppId,
        SignName: config.signName,
        TemplateId: msg.templateCode,
        TemplateParamSet: templateParamSet,
        SessionContext: msg.idempotencyKey,
      });
      const timestamp = Math.floor(Date.now() / 1000);
      const { authorization } = signTc3({
        method: 'POST',
        signedHeaders: { 'content-type': CONTENT_TYPE, host: endpoint.host, 'x-tc-action': 'SendSms' },
        payload,
        service: 'sms',
        timestamp,
        secretId: config.secretId,
        secretKey: config.secretKey,
      });
      const res = await providerFetch(PROVIDER, `${endpoint.origin}/`, {
        method: 'POST',
        headers: {
          authorization,
          'content-type': CONTENT_TYPE,
          'x-tc-action': 'SendSms',
          'x-tc-version': '2021-01-11',
          'x-tc-timestamp': String(timestamp),
          'x-tc-region': config.region,
        },
        body: payload,
        timeoutMs: config.timeoutMs,
      });
      if (res.status !== 200) throw httpStatusError(PROVIDER, res.status);
      const body = parseJsonBody<{
        Response?: { Error?: { Code?: string }; SendStatusSet?: Array<{ Code?: string; SerialNo?: string }> };
      }>(PROVIDER, res);
      const errorCode = body.Response?.Error?.Code;
      if (errorCode) throw new ProviderError({ provider: PROVIDER, ...mappingOf(errorCode), providerCode: errorCode });
      const status = body.Response?.SendStatusSet?.[0];
      if (!status?.Code)
        throw new ProviderError({
          provider: PROVIDER,
          kind: 'unknown',
          providerCode: 'BAD_RESPONSE',
          retryable: false,
          hint: 'no SendStatusSet',
        });
      if (status.Code !== 'Ok')
        throw new ProviderError({ provider: PROVIDER, ...mappingOf(status.Code), providerCode: status.Code });
      return status.SerialNo ? { providerMessageId: status.SerialNo } : {};
    },
  };
}
