// Aliyun SMS: Dysmsapi SendSms, version 2017-05-25 (help.aliyun.com/zh/sms/developer-reference/api-dysmsapi-
// 2017-05-25-sendsms), an RPC-style API called as POST {endpoint}/?PhoneNumbers&SignName&TemplateCode&
// TemplateParam&OutId with an empty body, signed with ACS3-HMAC-SHA256 (../signing/acs3.ts).
// Answer (HTTP 200 for business outcomes): { Code: 'OK' | 'isv.…', Message, RequestId, BizId };
// gateway failures come with 4xx/5xx and the same Code/Message shape (SignatureDoesNotMatch …).
// Their Message echoes the server's string-to-sign, phone number included: it is never read.
import { randomBytes } from 'node:crypto';
import { httpStatusError, providerFetch } from '../http';
import { ProviderError, type ErrorMapping } from '../provider-error';
import { acs3CanonicalQuery, sha256Hex, signAcs3 } from '../signing/acs3';
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

export function createAliyunSms(config: AliyunSmsConfig): SmsProvider {
  const endpoint = new URL(config.endpoint);
  return {
    vendor: 'aliyun',
    async send(msg) {
      const query: Record<string, string> = {
        PhoneNumbers: msg.phone,
        SignName: config.signName,
        TemplateCode: msg.templateCode,
        TemplateParam: JSON.stringify(msg.params),
        OutId: msg.idempotencyKey,
      };
      const body = '';
      // fetch sets Host itself, from the same URL; it is signed but not passed in.
      const headers: Record<string, string> = {
        'x-acs-action': 'SendSms',
        'x-acs-version': '2017-05-25',
        'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        // A fresh nonce per HTTP attempt: the gateway refuses a reused one (SignatureNonceUsed).
        'x-acs-signature-nonce': randomBytes(16).toString('hex'),
        'x-acs-content-sha256': sha256Hex(body),
      };
      const { authorization } = signAcs3({
        method: 'POST',
        canonicalUri: '/',
        query,
        headers: { host: endpoint.host, ...headers },
        body,
        accessKeyId: config.accessKeyId,
        accessKeySecret: config.accessKeySecret,
      });
      const res = await providerFetch(PROVIDER, `${endpoint.origin}/?${acs3CanonicalQuery(query)}`, {
        method: 'POST',
        // No body at all: fetch would add a Content-Type for an empty string, which must then be signed.
        headers: { ...headers, authorization, accept: 'application/json' },
        timeoutMs: config.timeoutMs,
      });
      let parsed: { Code?: string; BizId?: string } | undefined;
      try {
        parsed = JSON.parse(res.text) as { Code?: string; BizId?: string };
      } catch {
        parsed = undefined;
      }
      const code = typeof parsed?.Code === 'string' ? parsed.Code : undefined;
      if (code === undefined) throw httpStatusError(PROVIDER, res.status, res.status === 200 ? 'BAD_RESPONSE' : undefined);
      if (code !== 'OK') {
        const mapping: ErrorMapping =
          ALIYUN_SMS_ERRORS[code] ??
          (res.status >= 500 ? { kind: 'unavailable', retryable: true } : { kind: 'unknown', retryable: false });
        throw new ProviderError({ provider: PROVIDER, ...mapping, providerCode: code });
      }
      return parsed?.BizId ? { providerMessageId: parsed.BizId } : {};
    },
  };
}
