// A local stand-in for the Alipay OpenAPI gateway (POST /gateway.do). Written from Alipay's documents,
// not from our adapter: it rebuilds the string-to-sign itself (all parameters from the query string and
// the form body except sign, empty values dropped, sorted, key=value&…) and verifies it with the app
// public key; it answers `{"<method>_response":{…},"sign":"…"}` signed with its own "Alipay" private key
// over the exact response-node text, or `error_response` for failures of alipay.system.oauth.token,
// as the real gateway does. Implemented methods: alipay.system.oauth.token,
// alipay.open.app.mini.templatemessage.send.
import { createHash, createSign, createVerify, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { fakeId, startFakeServer, type ProviderFake, type RecordedRequest, type Reply } from './fake-server';

export interface AlipayKeys {
  /** The app's key pair: the adapter signs with the private key, the fake verifies with the public. */
  appPrivateKeyPem: string;
  appPublicKeyPem: string;
  /** "Alipay's" key pair: the fake signs answers, the adapter verifies with the public key. */
  alipayPrivateKeyPem: string;
  alipayPublicKeyPem: string;
}

let cachedKeys: AlipayKeys | undefined;

/** Two RSA-2048 key pairs for tests (generated once per process: key generation is slow). */
export function alipayTestKeys(): AlipayKeys {
  if (!cachedKeys) {
    const gen = () =>
      generateKeyPairSync('rsa', {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      });
    const app = gen();
    const alipay = gen();
    cachedKeys = {
      appPrivateKeyPem: app.privateKey,
      appPublicKeyPem: app.publicKey,
      alipayPrivateKeyPem: alipay.privateKey,
      alipayPublicKeyPem: alipay.publicKey,
    };
  }
  return cachedKeys;
}

export interface AlipayFakeOptions {
  appId: string;
  /** Public-key mode: the app public key the gateway verifies requests with. */
  appPublicKeyPem?: string;
  alipayPrivateKeyPem: string;
  /**
   * Public-key-certificate mode: the app's certificate (its public key verifies requests; app_cert_sn
   * must be its serial), the root certificate (alipay_root_cert_sn), and the Alipay certificate whose
   * serial answers carry as alipay_cert_sn.
   */
  certs?: { appCertPem: string; rootCertPem: string; alipayCertPem: string };
}

/**
 * A certificate's SN as Alipay defines it: MD5 of the issuer DN written from its last attribute to its
 * first ("CN=…,OU=…,O=…,C=…") followed by the serial number in decimal.
 */
export function alipayCertSn(pem: string): string {
  const cert = new X509Certificate(pem);
  const issuer = cert.issuer.split('\n').reverse().join(',');
  return createHash('md5')
    .update(issuer + BigInt(`0x${cert.serialNumber}`).toString(10), 'utf8')
    .digest('hex');
}

/** A gateway error: code plus sub_code, e.g. { code: '40004', subCode: 'USER_TEMPLATE_ILLEGAL' }. */
export interface AlipayError {
  code: '20000' | '20001' | '40001' | '40002' | '40004' | '40006' | string;
  subCode?: string;
}

export interface AlipaySentMessage {
  to_user_id?: string;
  to_open_id?: string;
  user_template_id: string;
  page?: string;
  data: string;
}

export interface AlipayFake extends ProviderFake<AlipayError> {
  /** A fresh one-time authCode for this user (user_id 2088…, and/or open_id). */
  issueCode(user: { userId?: string; openId?: string }): string;
  /** Answers unsigned or with a signature by another key, to test the adapter's verification. */
  setNextResponseTampered(how: 'unsigned' | 'wrong-key'): void;
  sent: AlipaySentMessage[];
}

const MSG: Record<string, string> = {
  '10000': 'Success',
  '20000': 'Service Currently Unavailable',
  '20001': 'Insufficient Token Permissions',
  '40001': 'Missing Required Arguments',
  '40002': 'Invalid Arguments',
  '40004': 'Business Failed',
  '40006': 'Insufficient Permissions',
};

const SUB_MSG: Record<string, string> = {
  'isv.code-invalid': '授权码code无效',
  'isv.invalid-signature': '验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配',
  'isv.invalid-app-id': '无效的AppID参数',
  'isv.missing-signature': '缺少签名参数',
  'isv.invalid-timestamp': '非法的时间戳参数',
  'isp.unknow-error': '服务暂不可用（业务系统不可用）',
  'aop.invalid-auth-token': '无效的访问令牌',
  USER_TEMPLATE_ILLEGAL: '模板非法',
  USER_TEMPLATE_LACK_KEYWORD: '缺少关键词',
  USER_KEYWORD_LENGTH_ERROR: '关键词超长',
};

export async function startAlipayFake(options: AlipayFakeOptions): Promise<AlipayFake> {
  const codes = new Map<string, { userId?: string; openId?: string; used: boolean }>();
  const errors: AlipayError[] = [];
  const tampering: Array<'unsigned' | 'wrong-key'> = [];
  const sent: AlipaySentMessage[] = [];
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

  /** The exact response text, node serialised once and signed over that text. */
  function answer(nodeKey: string, node: Record<string, unknown>): Reply {
    const nodeText = JSON.stringify(node);
    const how = tampering.shift();
    if (how === 'unsigned') return { body: `{"${nodeKey}":${nodeText}}`, headers: { 'content-type': 'text/html;charset=utf-8' } };
    const signer = createSign('RSA-SHA256').update(nodeText, 'utf8');
    const sign = how === 'wrong-key' ? signer.sign(otherKey, 'base64') : signer.sign(options.alipayPrivateKeyPem, 'base64');
    // The real gateway answers text/html;charset=utf-8 with a JSON body.
    const certSn = options.certs ? `,"alipay_cert_sn":"${alipayCertSn(options.certs.alipayCertPem)}"` : '';
    return {
      body: `{"${nodeKey}":${nodeText}${certSn},"sign":"${sign}"}`,
      headers: { 'content-type': 'text/html;charset=utf-8' },
    };
  }

  function failure(nodeKey: string, code: string, subCode?: string): Reply {
    return answer(nodeKey, {
      code,
      msg: MSG[code] ?? 'Error',
      ...(subCode ? { sub_code: subCode, sub_msg: SUB_MSG[subCode] ?? subCode } : {}),
    });
  }

  function handle(req: RecordedRequest): Reply {
    if (req.path !== '/gateway.do') return { status: 404, body: 'Not Found' };
    const params: Record<string, string> = { ...req.query };
    if (/application\/x-www-form-urlencoded/i.test(String(req.headers['content-type'] ?? ''))) {
      for (const [k, v] of new URLSearchParams(req.body)) params[k] = v;
    }
    const method = params.method ?? '';
    const methodKey = method ? `${method.replace(/\./g, '_')}_response` : 'error_response';
    // oauth.token reports its failures under error_response; other APIs under their own node.
    const errorKey = method === 'alipay.system.oauth.token' ? 'error_response' : methodKey;

    if (!method) return failure('error_response', '40001', 'isv.missing-method');
    if (!params.app_id) return failure(errorKey, '40001', 'isv.missing-app-id');
    if (params.app_id !== options.appId) return failure(errorKey, '40002', 'isv.invalid-app-id');
    if (!params.sign) return failure(errorKey, '40001', 'isv.missing-signature');
    if (params.sign_type !== 'RSA2') return failure(errorKey, '40002', 'isv.invalid-signature-type');
    if (!params.timestamp || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(params.timestamp)) {
      return failure(errorKey, '40002', 'isv.invalid-timestamp');
    }
    if (!params.version) return failure(errorKey, '40001', 'isv.missing-version');

    const content = Object.keys(params)
      .filter((k) => k !== 'sign' && params[k] !== '')
      .sort()
      .map((k) => `${k}=${params[k]}`)
      .join('&');
    // Certificate mode: the request names the certificates by SN. The real gateway's sub_code for an SN
    // it does not know is not in the public documents we found; this fake answers isv.invalid-signature.
    if (options.certs) {
      if (params.app_cert_sn !== alipayCertSn(options.certs.appCertPem))
        return failure(methodKey, '40002', 'isv.invalid-signature');
      if (params.alipay_root_cert_sn !== alipayCertSn(options.certs.rootCertPem))
        return failure(methodKey, '40002', 'isv.invalid-signature');
    }
    const verifyKey = options.certs ? new X509Certificate(options.certs.appCertPem).publicKey : options.appPublicKeyPem!;
    const valid = createVerify('RSA-SHA256').update(content, 'utf8').verify(verifyKey, params.sign, 'base64');
    if (!valid) return failure(methodKey, '40002', 'isv.invalid-signature');

    const queued = errors.shift();
    if (queued) return failure(errorKey, queued.code, queued.subCode);

    if (method === 'alipay.system.oauth.token') {
      if (params.grant_type !== 'authorization_code') return failure(errorKey, '40002', 'isv.grant-type-invalid');
      const issued = params.code ? codes.get(params.code) : undefined;
      if (!issued || issued.used) return failure(errorKey, '40002', 'isv.code-invalid');
      issued.used = true;
      return answer(methodKey, {
        ...(issued.userId ? { user_id: issued.userId } : {}),
        ...(issued.openId ? { open_id: issued.openId } : {}),
        access_token: `authusrB${fakeId(16)}`,
        expires_in: 1296000,
        refresh_token: `authusrB${fakeId(16)}`,
        re_expires_in: 2592000,
        auth_start: params.timestamp,
      });
    }

    if (method === 'alipay.open.app.mini.templatemessage.send') {
      let biz: Partial<AlipaySentMessage>;
      try {
        biz = JSON.parse(params.biz_content ?? '') as Partial<AlipaySentMessage>;
      } catch {
        return failure(errorKey, '40002', 'isv.invalid-parameter');
      }
      if (!biz.to_user_id && !biz.to_open_id) return failure(errorKey, '40001', 'isv.missing-to-user-id');
      if (!biz.user_template_id) return failure(errorKey, '40004', 'USER_TEMPLATE_ILLEGAL');
      let data: Record<string, { value?: unknown }>;
      try {
        data = JSON.parse(biz.data ?? '') as Record<string, { value?: unknown }>;
      } catch {
        return failure(errorKey, '40004', 'USER_TEMPLATE_LACK_KEYWORD');
      }
      for (const entry of Object.values(data)) {
        if (typeof entry?.value !== 'string') return failure(errorKey, '40004', 'USER_TEMPLATE_LACK_KEYWORD');
        if (entry.value.length > 50) return failure(errorKey, '40004', 'USER_KEYWORD_LENGTH_ERROR');
      }
      sent.push(biz as AlipaySentMessage);
      return answer(methodKey, { code: '10000', msg: 'Success' });
    }

    return failure(errorKey, '40002', 'isv.invalid-method');
  }

  const server = await startFakeServer(handle);
  return {
    ...server,
    setNextError(error) {
      errors.push(error);
    },
    setNextResponseTampered(how) {
      tampering.push(how);
    },
    issueCode(user) {
      const code = fakeId(16);
      codes.set(code, { ...user, used: false });
      return code;
    },
    sent,
  };
}
