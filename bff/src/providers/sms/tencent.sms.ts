// Tencent Cloud SMS: API 3.0 SendSms, version 2021-01-11 (cloud.tencent.com/document/api/382/55981), sent
// with the official SDK `tencentcloud-sdk-nodejs-sms` (v4), which signs with TC3-HMAC-SHA256.
// Pointing it elsewhere: the SDK takes the TC3 credential-scope service from the first label of the
// endpoint host (`endpoint.split(".")[0]`), so `127.0.0.1:port` would be signed as service "127". For an
// endpoint whose host is not sms.*, the SDK is therefore given the real host name (the signature then
// names service "sms" and Host sms.tencentcloudapi.com, as Tencent expects) and an HTTP agent whose
// connections go to the configured endpoint instead: in tests, the local fake.
// Tencent answers HTTP 200 in every case:
//   { Response: { SendStatusSet: [{ SerialNo, PhoneNumber, Fee, SessionContext, Code: 'Ok' | …, Message, IsoCode }], RequestId } }
//   { Response: { Error: { Code, Message }, RequestId } }  (the SDK throws these with `code`)
// Error codes: the common table (cloud.tencent.com/document/api/382/52075) and SMS's own (…/382/59177).
import http from 'node:http';
import https from 'node:https';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { sms } from 'tencentcloud-sdk-nodejs-sms';
import { ProviderError, type ErrorMapping } from '../provider-error';
import type { SmsProvider } from './sms-provider';

const TENCENT_SMS_HOST = 'sms.tencentcloudapi.com';
const PROVIDER = 'tencent-sms';

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

const fail = (providerCode: string, mapping: ErrorMapping) => new ProviderError({ provider: PROVIDER, ...mapping, providerCode });

/** What an SDK exception means, from its code and message kind only (messages quote the URL). */
function sdkFailure(err: unknown): ProviderError {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' && /^[\w.]+$/.test(e.code) ? e.code : undefined;
  if (code) return fail(code, mappingOf(code));
  const message = String(e?.message ?? '');
  if (/timeout/i.test(message)) return fail('TIMEOUT', { kind: 'unavailable', retryable: true });
  if (/^(\d{3})\b/.test(message) || /status/i.test(message))
    return fail('BAD_RESPONSE', { kind: 'unavailable', retryable: true });
  return fail('NETWORK', { kind: 'unavailable', retryable: true });
}

/** An agent that connects to `target` whatever host the request names (see the note at the top). */
function agentTo(target: URL): http.Agent {
  const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  if (target.protocol === 'https:') {
    const agent = new https.Agent({ keepAlive: true });
    agent.createConnection = (options, cb) =>
      tlsConnect({ ...(options as object), host: target.hostname, port, servername: target.hostname }, cb as never) as never;
    return agent;
  }
  const agent = new http.Agent({ keepAlive: true });
  agent.createConnection = (_options, cb) => netConnect({ host: target.hostname, port }, cb as never) as never;
  return agent;
}

export function createTencentSms(config: TencentSmsConfig): SmsProvider {
  const endpoint = new URL(config.endpoint);
  const direct = endpoint.hostname.startsWith('sms.');
  const client = new sms.v20210111.Client({
    credential: { secretId: config.secretId, secretKey: config.secretKey },
    region: config.region,
    profile: {
      httpProfile: {
        endpoint: direct ? endpoint.host : TENCENT_SMS_HOST,
        protocol: endpoint.protocol === 'http:' ? 'http://' : 'https://',
        reqTimeout: config.timeoutMs / 1000,
        ...(direct ? {} : { agent: agentTo(endpoint) }),
      },
    },
  });
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
      let res: { SendStatusSet?: Array<{ Code?: string; SerialNo?: string }> };
      try {
        res = await client.SendSms({
          PhoneNumberSet: [toE164(msg.phone)],
          SmsSdkAppId: config.sdkAppId,
          SignName: config.signName,
          TemplateId: msg.templateCode,
          TemplateParamSet: templateParamSet,
          SessionContext: msg.idempotencyKey,
        });
      } catch (err) {
        throw sdkFailure(err);
      }
      const status = res.SendStatusSet?.[0];
      if (!status?.Code) throw fail('BAD_RESPONSE', { kind: 'unknown', retryable: false });
      if (status.Code !== 'Ok') throw fail(status.Code, mappingOf(status.Code));
      return status.SerialNo ? { providerMessageId: status.SerialNo } : {};
    },
  };
}
