// Aliyun SMS: Dysmsapi SendSms, version 2017-05-25 (help.aliyun.com/zh/sms/developer-reference/api-dysmsapi-
// 2017-05-25-sendsms), sent with the official SDK `@alicloud/dysmsapi20170525` (v4, on
// @alicloud/openapi-client), which signs with ACS3-HMAC-SHA256. Its `endpoint` (host[:port]) and
// `protocol` options point it at the local fake in tests.
// Answer (HTTP 200 for business outcomes): { Code: 'OK' | 'isv.…', Message, RequestId, BizId }; gateway
// failures (SignatureDoesNotMatch …) come with 4xx/5xx and the SDK throws them with `code`. Messages echo
// the string-to-sign and the SDK's timeout message quotes the URL, phone number included: neither is read.
import Dysmsapi, { SendSmsRequest } from '@alicloud/dysmsapi20170525';
import { Config as OpenApiConfig } from '@alicloud/openapi-client';
import { RuntimeOptions } from '@alicloud/tea-util';
import { ProviderError, type ErrorMapping } from '../provider-error';
import type { SmsProvider } from './sms-provider';

const PROVIDER = 'aliyun-sms';

export interface AliyunSmsConfig {
  /** https://dysmsapi.aliyuncs.com in production. */
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** The approved 短信签名. */
  signName: string;
  timeoutMs: number;
}

const RATE: ErrorMapping = { kind: 'rate_limited', retryable: true };
const BAD: ErrorMapping = { kind: 'bad_request', retryable: false };
const CREDENTIALS: ErrorMapping = { kind: 'invalid_credentials', retryable: false };
const NUMBER: ErrorMapping = { kind: 'recipient_invalid', retryable: false };
const TEMPLATE: ErrorMapping = { kind: 'template_invalid', retryable: false };

/** Code → outcome, from the SendSms API error-code table and the OpenAPI gateway's common codes. */
export const ALIYUN_SMS_ERRORS: Record<string, ErrorMapping> = {
  'isv.BUSINESS_LIMIT_CONTROL': RATE, // per-number flow control (1/min, 5/h, 10/day by default)
  'isv.DAY_LIMIT_CONTROL': RATE,
  'isv.MONTH_LIMIT_CONTROL': RATE,
  Throttling: RATE,
  'Throttling.User': RATE,
  'Throttling.Api': RATE,
  'isv.MOBILE_NUMBER_ILLEGAL': NUMBER,
  'isv.TEMPLATE_MISSING_PARAMETERS': TEMPLATE,
  'isv.INVALID_PARAMETERS': BAD,
  'isv.INVALID_JSON_PARAM': BAD,
  'isv.PARAM_LENGTH_LIMIT': TEMPLATE,
  'isv.PARAM_NOT_SUPPORT_URL': TEMPLATE,
  'isv.MOBILE_COUNT_OVER_LIMIT': BAD,
  'isv.SMS_TEMPLATE_ILLEGAL': TEMPLATE,
  'isv.SMS_SIGNATURE_ILLEGAL': TEMPLATE,
  'isv.SMS_SIGN_ILLEGAL': TEMPLATE,
  'isv.SMS_SIGNATURE_SCENE_ILLEGAL': TEMPLATE,
  'isv.SMS_CONTENT_ILLEGAL': TEMPLATE,
  'isv.BLACK_KEY_CONTROL_LIMIT': TEMPLATE,
  'isv.DOMESTIC_NUMBER_NOT_SUPPORTED': NUMBER,
  'isv.EXTEND_CODE_ERROR': BAD,
  'InvalidTimeStamp.Expired': BAD, // our clock is off by more than 15 minutes
  MissingParameter: BAD,
  SignatureDoesNotMatch: CREDENTIALS,
  IncompleteSignature: CREDENTIALS,
  'InvalidAccessKeyId.NotFound': CREDENTIALS,
  'InvalidAccessKeyId.Inactive': CREDENTIALS,
  'Forbidden.RAM': CREDENTIALS,
  'isp.RAM_PERMISSION_DENY': CREDENTIALS,
  'isv.ACCOUNT_NOT_EXISTS': CREDENTIALS,
  'isv.ACCOUNT_ABNORMAL': CREDENTIALS,
  'isv.PRODUCT_UN_SUBSCRIPT': CREDENTIALS,
  'isv.PRODUCT_UNSUBSCRIBE': CREDENTIALS,
  'isv.DENY_IP_RANGE': CREDENTIALS,
  'isp.SYSTEM_ERROR': { kind: 'unavailable', retryable: true },
  ServiceUnavailable: { kind: 'unavailable', retryable: true },
  InternalError: { kind: 'unavailable', retryable: true },
  SignatureNonceUsed: { kind: 'unavailable', retryable: true }, // a retry carries a new nonce
  // Out of balance: an operator must top up; automatic retries would only fill the dead-letter later.
  'isv.OUT_OF_SERVICE': { kind: 'unavailable', retryable: false },
  'isv.AMOUNT_NOT_ENOUGH': { kind: 'unavailable', retryable: false },
};

const fail = (providerCode: string, mapping: ErrorMapping) => new ProviderError({ provider: PROVIDER, ...mapping, providerCode });

/** What an SDK exception means, from its name, code and HTTP status only. */
function sdkFailure(err: unknown): ProviderError {
  const e = err as { name?: unknown; code?: unknown; statusCode?: unknown; data?: { statusCode?: unknown } } | undefined;
  const name = typeof e?.name === 'string' ? e.name : '';
  if (/timeout/i.test(name)) return fail('TIMEOUT', { kind: 'unavailable', retryable: true });
  const status = Number(e?.statusCode ?? e?.data?.statusCode ?? 0);
  const code = typeof e?.code === 'string' && /^[\w.]+$/.test(e.code) ? e.code : undefined;
  if (code && ALIYUN_SMS_ERRORS[code]) return fail(code, ALIYUN_SMS_ERRORS[code]);
  if (name === 'ServerError' || status >= 500)
    return fail(code ?? `HTTP_${status || 500}`, { kind: 'unavailable', retryable: true });
  if (code) return fail(code, { kind: 'unknown', retryable: false });
  // No HTTP answer at all (refused, reset): the network.
  return fail('NETWORK', { kind: 'unavailable', retryable: true });
}

export function createAliyunSms(config: AliyunSmsConfig): SmsProvider {
  const endpoint = new URL(config.endpoint);
  const client = new Dysmsapi(
    new OpenApiConfig({
      accessKeyId: config.accessKeyId,
      accessKeySecret: config.accessKeySecret,
      endpoint: endpoint.host,
      protocol: endpoint.protocol.replace(':', ''),
    }),
  );
  // One attempt per send: the outbox relay owns retries (with backoff and a dead-letter state).
  const runtime = () =>
    new RuntimeOptions({ readTimeout: config.timeoutMs, connectTimeout: config.timeoutMs, autoretry: false, maxAttempts: 0 });
  return {
    vendor: 'aliyun',
    async send(msg) {
      let body: { code?: string; bizId?: string } | undefined;
      try {
        const res = await client.sendSmsWithOptions(
          new SendSmsRequest({
            phoneNumbers: msg.phone,
            signName: config.signName,
            templateCode: msg.templateCode,
            templateParam: JSON.stringify(msg.params),
            outId: msg.idempotencyKey,
          }),
          runtime(),
        );
        body = res.body;
      } catch (err) {
        throw sdkFailure(err);
      }
      const code = body?.code;
      if (code === undefined) throw fail('BAD_RESPONSE', { kind: 'unknown', retryable: false });
      if (code !== 'OK') throw fail(code, ALIYUN_SMS_ERRORS[code] ?? { kind: 'unknown', retryable: false });
      return body?.bizId ? { providerMessageId: body.bizId } : {};
    },
  };
}
