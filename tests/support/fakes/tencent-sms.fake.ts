// A local stand-in for sms.tencentcloudapi.com (SendSms, 2021-01-11). It verifies TC3-HMAC-SHA256 with its
// own implementation written from Tencent's "签名方法 v3" document (not the adapter's signer): it parses
// the Authorization header, rebuilds the canonical request from the headers the client says it signed,
// derives the key from the credential scope date and service, and compares. Like the real API it
// always answers HTTP 200: { Response: { SendStatusSet: [...], RequestId } } or
// { Response: { Error: { Code, Message }, RequestId } }.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { fakeId, header, startFakeServer, type ProviderFake, type RecordedRequest, type Reply } from './fake-server';

export interface TencentSmsFakeOptions {
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  /** Approved sign names (default: any). */
  signNames?: string[];
  /** Approved template ids and their parameter counts (default: any). */
  templates?: Record<string, number>;
}

export interface TencentSentSms {
  phoneNumber: string;
  signName: string;
  templateId: string;
  templateParamSet: string[];
  sessionContext?: string;
  serialNo: string;
}

export interface TencentSmsFake extends ProviderFake<string> {
  sent: TencentSentSms[];
}

// Codes reported per number in SendStatusSet rather than as a request error.
const PER_NUMBER = new Set([
  'LimitExceeded.PhoneNumberDailyLimit',
  'LimitExceeded.PhoneNumberOneHourLimit',
  'LimitExceeded.PhoneNumberThirtySecondLimit',
  'LimitExceeded.PhoneNumberSameContentDailyLimit',
  'InvalidParameterValue.IncorrectPhoneNumber',
  'FailedOperation.PhoneNumberInBlacklist',
  'FailedOperation.ContainSensitiveWord',
]);

const MESSAGES: Record<string, string> = {
  'AuthFailure.SignatureFailure': 'The provided credentials could not be validated. Please check your signature is correct.',
  'AuthFailure.SecretIdNotFound': 'The SecretId is not found, please ensure that your SecretId is correct.',
  'AuthFailure.SignatureExpire': 'Signature expired. Timestamp and server time cannot differ by more than five minutes.',
  'AuthFailure.InvalidAuthorization': 'Authorization in the request header is invalid.',
  'LimitExceeded.PhoneNumberDailyLimit':
    'the number of sms messages sent from a single mobile number every day exceeds the upper limit',
  'InvalidParameterValue.IncorrectPhoneNumber': 'incorrect number format',
  'FailedOperation.PhoneNumberInBlacklist': 'the number is in blacklist',
  'FailedOperation.SignatureIncorrectOrUnapproved': 'signature format error or signature not approved',
  'FailedOperation.TemplateIncorrectOrUnapproved': 'template format error or template not approved',
  'InvalidParameterValue.SdkAppIdNotExist': 'SdkAppId not exist.',
  RequestLimitExceeded:
    'Your current request times equals to `20` in a second, which exceeds the frequency limit `20` for a second. Please reduce the frequency of calls.',
  InternalError: 'An internal error has occurred. Retry your request, but if the problem persists, contact us.',
  InvalidParameter: 'The parameter is invalid.',
};

const sha256hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmacSha256 = (key: string | Buffer, msg: string) => createHmac('sha256', key).update(msg, 'utf8').digest();

export async function startTencentSmsFake(options: TencentSmsFakeOptions): Promise<TencentSmsFake> {
  const errors: string[] = [];
  const sent: TencentSentSms[] = [];

  const errorReply = (code: string, message = MESSAGES[code] ?? code): Reply => ({
    body: { Response: { Error: { Code: code, Message: message }, RequestId: randomUUID() } },
  });

  function verify(req: RecordedRequest): Reply | undefined {
    const auth = header(req, 'authorization');
    const m =
      /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
        auth,
      );
    if (!m) return errorReply('AuthFailure.InvalidAuthorization');
    const [, secretId, date, service, signedHeaders, signature] = m as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (secretId !== options.secretId) return errorReply('AuthFailure.SecretIdNotFound');
    const timestamp = Number(header(req, 'x-tc-timestamp'));
    if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > 300)
      return errorReply('AuthFailure.SignatureExpire');
    const names = signedHeaders.split(';');
    if (!names.includes('content-type') || !names.includes('host')) return errorReply('AuthFailure.InvalidAuthorization');
    // The scope date must be the UTC date of the timestamp, and the service the one called.
    const utcDate = new Date(timestamp * 1000).toISOString().slice(0, 10);
    const canonicalHeaders = names.map((n) => `${n}:${header(req, n).trim().toLowerCase()}\n`).join('');
    const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, sha256hex(req.body)].join('\n');
    const stringToSign = [
      'TC3-HMAC-SHA256',
      String(timestamp),
      `${date}/${service}/tc3_request`,
      sha256hex(canonicalRequest),
    ].join('\n');
    const kDate = hmacSha256('TC3' + options.secretKey, date);
    const kService = hmacSha256(kDate, service);
    const kSigning = hmacSha256(kService, 'tc3_request');
    const expected = createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
    if (expected !== signature || date !== utcDate || service !== 'sms') return errorReply('AuthFailure.SignatureFailure');
    return undefined;
  }

  function handle(req: RecordedRequest): Reply {
    if (req.method !== 'POST' || req.path !== '/') return errorReply('InvalidAction', 'The requested action is not supported.');
    // API 3.0 takes JSON POSTs as application/json, with or without the charset (the official SDK omits it).
    if (!/^application\/json(; ?charset=utf-8)?$/i.test(header(req, 'content-type')))
      return errorReply('InvalidParameter', 'Content-Type must be application/json; charset=utf-8.');
    const rejected = verify(req);
    if (rejected) return rejected;
    if (header(req, 'x-tc-action') !== 'SendSms') return errorReply('InvalidAction', 'The requested action is not supported.');
    if (header(req, 'x-tc-version') !== '2021-01-11') return errorReply('NoSuchVersion', 'The API version does not exist.');
    if (!header(req, 'x-tc-region'))
      return errorReply('MissingParameter', 'The request is missing a required parameter `Region`.');

    let body: {
      PhoneNumberSet?: unknown;
      SmsSdkAppId?: unknown;
      SignName?: unknown;
      TemplateId?: unknown;
      TemplateParamSet?: unknown;
      SessionContext?: unknown;
    };
    try {
      body = JSON.parse(req.body) as typeof body;
    } catch {
      return errorReply('FailedOperation.FailResolvePacket', 'request package parsing failed');
    }
    if (!Array.isArray(body.PhoneNumberSet) || body.PhoneNumberSet.length === 0)
      return errorReply('MissingParameter', 'The request is missing a required parameter `PhoneNumberSet`.');
    if (body.SmsSdkAppId !== options.sdkAppId) return errorReply('InvalidParameterValue.SdkAppIdNotExist');
    if (typeof body.TemplateId !== 'string' || !body.TemplateId)
      return errorReply('MissingParameter', 'The request is missing a required parameter `TemplateId`.');
    if (options.signNames && !options.signNames.includes(String(body.SignName)))
      return errorReply('FailedOperation.SignatureIncorrectOrUnapproved');
    const params = Array.isArray(body.TemplateParamSet) ? (body.TemplateParamSet as unknown[]) : [];
    if (options.templates && options.templates[body.TemplateId] !== params.length)
      return errorReply('FailedOperation.TemplateIncorrectOrUnapproved');

    const queued = errors.shift();
    if (queued && !PER_NUMBER.has(queued)) return errorReply(queued);

    const session = typeof body.SessionContext === 'string' ? body.SessionContext : '';
    const statuses = (body.PhoneNumberSet as unknown[]).map((n) => {
      const phone = String(n);
      const code = queued ?? (/^\+861\d{10}$/.test(phone) ? 'Ok' : 'InvalidParameterValue.IncorrectPhoneNumber');
      const serialNo = code === 'Ok' ? `2640:${fakeId(10)}` : '';
      if (code === 'Ok') {
        sent.push({
          phoneNumber: phone,
          signName: String(body.SignName ?? ''),
          templateId: String(body.TemplateId),
          templateParamSet: params.map(String),
          ...(session ? { sessionContext: session } : {}),
          serialNo,
        });
      }
      return {
        SerialNo: serialNo,
        PhoneNumber: phone,
        Fee: code === 'Ok' ? 1 : 0,
        SessionContext: session,
        Code: code,
        Message: code === 'Ok' ? 'send success' : (MESSAGES[code] ?? code),
        IsoCode: 'CN',
      };
    });
    return { body: { Response: { SendStatusSet: statuses, RequestId: randomUUID() } } };
  }

  const server = await startFakeServer(handle);
  return {
    ...server,
    setNextError(code) {
      errors.push(code);
    },
    sent,
  };
}
