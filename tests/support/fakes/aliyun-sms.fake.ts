// A local stand-in for dysmsapi.aliyuncs.com (SendSms, 2017-05-25). It verifies the ACS3-HMAC-SHA256
// signature with its own implementation written from Alibaba Cloud's "V3版本请求体&签名机制" document
// (not the adapter's signer), checks timestamp, nonce and payload hash like the gateway, and answers with
// the real shapes: HTTP 200 { Code: 'OK' | 'isv.…', Message, RequestId, BizId } for business outcomes,
// HTTP 4xx { RequestId, HostId, Code, Message, Recommend } for gateway rejections. Like the real gateway,
// its SignatureDoesNotMatch message echoes the string it signed, phone number included.
import { createHash, createHmac } from 'node:crypto';
import { fakeId, header, startFakeServer, type ProviderFake, type RecordedRequest, type Reply } from './fake-server';

export interface AliyunSmsFakeOptions {
  accessKeyId: string;
  accessKeySecret: string;
  /** Approved sign names (default: any). */
  signNames?: string[];
  /** Approved templates and their variable names (default: any template, any variables). */
  templates?: Record<string, string[]>;
}

export interface AliyunSentSms {
  phoneNumbers: string;
  signName: string;
  templateCode: string;
  templateParam: Record<string, string>;
  outId?: string;
  bizId: string;
}

export interface AliyunSmsFake extends ProviderFake<string> {
  sent: AliyunSentSms[];
}

const HTTP_STATUS: Record<string, number> = {
  SignatureDoesNotMatch: 400,
  IncompleteSignature: 400,
  'InvalidTimeStamp.Expired': 400,
  SignatureNonceUsed: 400,
  'Throttling.User': 400,
  Throttling: 400,
  'InvalidAccessKeyId.NotFound': 404,
  'InvalidAction.NotFound': 404,
  MissingPhoneNumbers: 400,
  MissingSignName: 400,
  MissingTemplateCode: 400,
  InternalError: 500,
  ServiceUnavailable: 503,
};

const MESSAGES: Record<string, string> = {
  OK: 'OK',
  'isv.BUSINESS_LIMIT_CONTROL': '触发号码天级流控Permits:10',
  'isv.MOBILE_NUMBER_ILLEGAL': '非法手机号',
  'isv.TEMPLATE_MISSING_PARAMETERS': '模板缺少变量',
  'isv.SMS_SIGNATURE_ILLEGAL': '该账号下找不到对应签名',
  'isv.SMS_TEMPLATE_ILLEGAL': '该账号下找不到对应模板',
  'isv.INVALID_JSON_PARAM': 'JSON参数不合法，只接受字符串值',
  'isv.AMOUNT_NOT_ENOUGH': '账户余额不足',
  'isp.SYSTEM_ERROR': 'isp.SYSTEM_ERROR',
  'InvalidAccessKeyId.NotFound': 'Specified access key is not found.',
  'InvalidTimeStamp.Expired': 'Specified time stamp or date value is expired.',
  SignatureNonceUsed: 'Specified signature nonce was used already.',
  'Throttling.User': 'Request was denied due to user flow control.',
  IncompleteSignature: 'The request signature does not conform to Aliyun standards.',
};

// RFC 3986 encoding, as the document specifies for the canonical query string.
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const hex256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export async function startAliyunSmsFake(options: AliyunSmsFakeOptions): Promise<AliyunSmsFake> {
  const errors: string[] = [];
  const seenNonces = new Set<string>();
  const sent: AliyunSentSms[] = [];
  const requestId = () =>
    fakeId(4).toUpperCase() +
    '-' +
    fakeId(2).toUpperCase() +
    '-' +
    fakeId(2).toUpperCase() +
    '-' +
    fakeId(2).toUpperCase() +
    '-' +
    fakeId(6).toUpperCase();

  function reply(code: string, extra: Record<string, unknown> = {}, message = MESSAGES[code] ?? code): Reply {
    const status = HTTP_STATUS[code] ?? 200;
    const body =
      status === 200
        ? { Code: code, Message: message, RequestId: requestId(), ...extra }
        : {
            RequestId: requestId(),
            HostId: 'dysmsapi.aliyuncs.com',
            Code: code,
            Message: message,
            Recommend: `https://api.aliyun.com/troubleshoot?q=${code}`,
          };
    return { status, body };
  }

  function verifySignature(req: RecordedRequest): Reply | undefined {
    const auth = header(req, 'authorization');
    const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) return reply('IncompleteSignature');
    const [, keyId, signedHeaderList, signature] = m as unknown as [string, string, string, string];
    if (keyId !== options.accessKeyId) return reply('InvalidAccessKeyId.NotFound');

    const signedNames = signedHeaderList.split(';');
    const mustSign = Object.keys(req.headers).filter((h) => h.startsWith('x-acs-') || h === 'host' || h === 'content-type');
    if (!mustSign.every((h) => signedNames.includes(h))) return reply('IncompleteSignature');
    if (header(req, 'x-acs-action') !== 'SendSms')
      return reply('InvalidAction.NotFound', {}, 'Specified api is not found, please check your url and method.');
    if (header(req, 'x-acs-version') !== '2017-05-25')
      return reply('InvalidAction.NotFound', {}, 'Specified api is not found, please check your url and method.');

    const date = Date.parse(header(req, 'x-acs-date'));
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(header(req, 'x-acs-date')) || Math.abs(Date.now() - date) > 15 * 60_000) {
      return reply('InvalidTimeStamp.Expired');
    }
    const nonce = header(req, 'x-acs-signature-nonce');
    if (!nonce) return reply('IncompleteSignature');

    const payloadHash = hex256(req.body);
    const canonicalQuery = Object.keys(req.query)
      .sort()
      .map((k) => `${rfc3986(k)}=${rfc3986(req.query[k] ?? '')}`)
      .join('&');
    const canonicalHeaders = [...signedNames]
      .sort()
      .map((h) => `${h}:${header(req, h).trim()}\n`)
      .join('');
    const canonicalRequest = `${req.method}\n${req.path}\n${canonicalQuery}\n${canonicalHeaders}\n${signedNames.join(';')}\n${payloadHash}`;
    const stringToSign = `ACS3-HMAC-SHA256\n${hex256(canonicalRequest)}`;
    const expected = createHmac('sha256', options.accessKeySecret).update(stringToSign, 'utf8').digest('hex');
    if (expected !== signature || header(req, 'x-acs-content-sha256') !== payloadHash) {
      return reply(
        'SignatureDoesNotMatch',
        {},
        `Specified signature does not match our calculation. server string to sign is:${canonicalRequest}`,
      );
    }
    if (seenNonces.has(nonce)) return reply('SignatureNonceUsed');
    seenNonces.add(nonce);
    return undefined;
  }

  function handle(req: RecordedRequest): Reply {
    if (req.path !== '/' || (req.method !== 'POST' && req.method !== 'GET'))
      return { status: 404, body: { Code: 'InvalidAction.NotFound', Message: 'Specified api is not found.' } };
    const rejected = verifySignature(req);
    if (rejected) return rejected;

    const params: Record<string, string> = { ...req.query };
    if (/application\/x-www-form-urlencoded/i.test(header(req, 'content-type'))) {
      for (const [k, v] of new URLSearchParams(req.body)) params[k] = v;
    }
    if (!params.PhoneNumbers) return reply('MissingPhoneNumbers', {}, 'PhoneNumbers is mandatory for this action.');
    if (!params.SignName) return reply('MissingSignName', {}, 'SignName is mandatory for this action.');
    if (!params.TemplateCode) return reply('MissingTemplateCode', {}, 'TemplateCode is mandatory for this action.');

    const queued = errors.shift();
    if (queued) return reply(queued);

    if (!/^(\+?86|0086)?1\d{10}$/.test(params.PhoneNumbers)) return reply('isv.MOBILE_NUMBER_ILLEGAL');
    if (options.signNames && !options.signNames.includes(params.SignName)) return reply('isv.SMS_SIGNATURE_ILLEGAL');
    let templateParam: Record<string, unknown> = {};
    if (params.TemplateParam) {
      try {
        templateParam = JSON.parse(params.TemplateParam) as Record<string, unknown>;
      } catch {
        return reply('isv.INVALID_JSON_PARAM');
      }
      if (
        typeof templateParam !== 'object' ||
        templateParam === null ||
        Object.values(templateParam).some((v) => typeof v !== 'string')
      ) {
        return reply('isv.INVALID_JSON_PARAM');
      }
    }
    if (options.templates) {
      const variables = options.templates[params.TemplateCode];
      if (!variables) return reply('isv.SMS_TEMPLATE_ILLEGAL');
      if (!variables.every((v) => typeof templateParam[v] === 'string' && templateParam[v] !== ''))
        return reply('isv.TEMPLATE_MISSING_PARAMETERS');
    }
    const bizId = `${Date.now()}${Math.floor(Math.random() * 1e6)}^0`;
    sent.push({
      phoneNumbers: params.PhoneNumbers,
      signName: params.SignName,
      templateCode: params.TemplateCode,
      templateParam: templateParam as Record<string, string>,
      ...(params.OutId ? { outId: params.OutId } : {}),
      bizId,
    });
    return reply('OK', { BizId: bizId });
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
