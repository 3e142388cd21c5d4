// A local stand-in for api.weixin.qq.com serving the three endpoints we use, checking each request as
// the real one does and answering with WeChat's real shapes and codes:
//   GET  /sns/jscode2session          code2Session (appid, secret, js_code, grant_type)
//   POST /cgi-bin/stable_token        getStableAccessToken (normal and force-refresh modes)
//   POST /cgi-bin/message/subscribe/send?access_token=…   subscribeMessage.send
// Login codes are one-time and must be issued first with issueCode(); tokens can be revoked to test
// the adapter's single renewal.
import { fakeId, startFakeServer, type ProviderFake, type RecordedRequest, type Reply } from './fake-server';

export interface WechatFakeOptions {
  appId: string;
  appSecret: string;
  /** Lifetime the token endpoint reports, seconds (WeChat: 7200). */
  tokenExpiresIn?: number;
}

export interface WechatSentMessage {
  touser: string;
  template_id: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogram_state?: string;
  lang?: string;
}

/** Which endpoint a queued error applies to; 'business' = jscode2session or subscribe/send. */
export type WechatErrorTarget = 'business' | 'token';

export interface WechatFake extends ProviderFake<number> {
  /** A fresh one-time wx.login code for this user. */
  issueCode(openid: string, unionid?: string): string;
  /** Queue an errcode for the next token request (setNextError queues for business requests). */
  setNextTokenError(errcode: number): void;
  /** Invalidates every token handed out so far (subscribe/send then answers 40001). */
  revokeAccessTokens(): void;
  /** Make subscribe/send answer 43101 for this user until allowed again. */
  refuseMessagesFor(openid: string): void;
  /** Subscribe messages accepted so far. */
  sent: WechatSentMessage[];
  /** Number of token requests received (normal and forced). */
  tokenRequests(): number;
}

const rid = () => ` rid: ${fakeId(4)}-${fakeId(4)}-${fakeId(4)}`;

/** The errmsg WeChat sends with each code we simulate. */
const ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40029: 'invalid code',
  40037: 'invalid template_id',
  40125: 'invalid appsecret',
  40163: 'code been used',
  40226: 'code blocked',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41008: 'missing code',
  42001: 'access_token expired',
  43101: 'user refuse to accept the msg',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  47003: 'argument invalid!',
  47001: 'data format error',
};

/**
 * WeChat's value rules per keyword type (the type is the keyword name without its number), as its
 * subscribe-message documentation lists them; a value that breaks one is answered 47003.
 */
function keywordValueValid(keyword: string, value: string): boolean {
  const type = /^([a-z_]+?)\d*$/.exec(keyword)?.[1] ?? keyword;
  const length = [...value].length;
  switch (type) {
    case 'thing':
      return length <= 20;
    case 'phrase':
      return length <= 5 && /^[\u3400-\u9fff]+$/.test(value);
    case 'character_string':
      return length <= 32 && /^[\x21-\x7e]+$/.test(value);
    case 'number':
      return length <= 32 && /^\d+(\.\d+)?$/.test(value);
    case 'letter':
      return length <= 32 && /^[A-Za-z]+$/.test(value);
    case 'name':
      return /[\u3400-\u9fff]/.test(value) ? length <= 10 : length <= 20;
    case 'time':
    case 'date':
      return /^\d{4}(年\d{1,2}月\d{1,2}日|-\d{2}-\d{2})( \d{2}:\d{2}(:\d{2})?)?$|^\d{2}:\d{2}$/.test(value);
    default:
      return true;
  }
}

function fail(errcode: number, detail = ''): Reply {
  return { body: { errcode, errmsg: `${ERRMSG[errcode] ?? 'error'}${detail}${rid()}` } };
}

export async function startWechatFake(options: WechatFakeOptions): Promise<WechatFake> {
  const codes = new Map<string, { openid: string; unionid?: string; used: boolean }>();
  const validTokens = new Set<string>();
  let currentToken: string | undefined;
  const businessErrors: number[] = [];
  const tokenErrors: number[] = [];
  const refusing = new Set<string>();
  const sent: WechatSentMessage[] = [];

  function issueToken(): string {
    currentToken = `ACCESS_TOKEN_${fakeId(24)}`;
    validTokens.add(currentToken);
    return currentToken;
  }

  function code2Session(req: RecordedRequest): Reply {
    if (req.method !== 'GET') return fail(43001 as number, ' require GET method');
    const { appid, secret, js_code: jsCode, grant_type: grantType } = req.query;
    if (!appid) return fail(41002);
    if (appid !== options.appId) return fail(40013);
    if (!secret) return fail(41004);
    if (secret !== options.appSecret) return fail(40125);
    if (grantType !== 'authorization_code') return { body: { errcode: 40002, errmsg: `invalid grant_type${rid()}` } };
    if (!jsCode) return fail(41008);
    const queued = businessErrors.shift();
    if (queued !== undefined) return fail(queued);
    const issued = codes.get(jsCode);
    if (!issued) return fail(40029);
    if (issued.used) return fail(40163);
    issued.used = true;
    return {
      body: {
        openid: issued.openid,
        session_key: Buffer.from(fakeId(16), 'hex').toString('base64'),
        ...(issued.unionid ? { unionid: issued.unionid } : {}),
      },
    };
  }

  function stableToken(req: RecordedRequest): Reply {
    if (req.method !== 'POST') return { body: { errcode: 43002, errmsg: `require POST method${rid()}` } };
    let body: { grant_type?: string; appid?: string; secret?: string; force_refresh?: boolean };
    try {
      body = JSON.parse(req.body) as typeof body;
    } catch {
      return fail(47001);
    }
    if (!body.appid) return fail(41002);
    if (body.appid !== options.appId) return fail(40013);
    if (!body.secret) return fail(41004);
    if (body.secret !== options.appSecret) return fail(40125);
    if (body.grant_type !== 'client_credential') return { body: { errcode: 40002, errmsg: `invalid grant_type${rid()}` } };
    const queued = tokenErrors.shift();
    if (queued !== undefined) return fail(queued);
    // Normal mode hands back the current token while it is valid; force mode always rotates it.
    if (body.force_refresh === true || !currentToken || !validTokens.has(currentToken)) {
      if (currentToken) validTokens.delete(currentToken);
      issueToken();
    }
    return { body: { access_token: currentToken, expires_in: options.tokenExpiresIn ?? 7200 } };
  }

  function subscribeSend(req: RecordedRequest): Reply {
    if (req.method !== 'POST') return { body: { errcode: 43002, errmsg: `require POST method${rid()}` } };
    const token = req.query.access_token;
    if (!token) return { body: { errcode: 41001, errmsg: `access_token missing${rid()}` } };
    if (!validTokens.has(token)) return fail(40001);
    let msg: Partial<WechatSentMessage>;
    try {
      msg = JSON.parse(req.body) as Partial<WechatSentMessage>;
    } catch {
      return fail(47001);
    }
    if (typeof msg.touser !== 'string' || !/^[A-Za-z0-9_-]{6,64}$/.test(msg.touser)) return fail(40003);
    if (typeof msg.template_id !== 'string' || !msg.template_id) return fail(40037);
    if (!msg.data || typeof msg.data !== 'object') return fail(47003, ' data is empty');
    for (const [key, entry] of Object.entries(msg.data)) {
      if (!entry || typeof entry.value !== 'string' || entry.value === '') return fail(47003, ` data.${key}.value is empty`);
      if (!keywordValueValid(key, entry.value)) return fail(47003, ` data.${key}.value invalid`);
    }
    if (msg.miniprogram_state !== undefined && !['developer', 'trial', 'formal'].includes(msg.miniprogram_state)) {
      return fail(47003, ' miniprogram_state invalid');
    }
    const queued = businessErrors.shift();
    if (queued !== undefined) return fail(queued);
    if (refusing.has(msg.touser)) return fail(43101);
    sent.push(msg as WechatSentMessage);
    return { body: { errcode: 0, errmsg: 'ok', msgid: Number.parseInt(fakeId(6), 16) } };
  }

  const server = await startFakeServer((req) => {
    switch (req.path) {
      case '/sns/jscode2session':
        return code2Session(req);
      case '/cgi-bin/stable_token':
        return stableToken(req);
      case '/cgi-bin/message/subscribe/send':
        return subscribeSend(req);
      default:
        return { status: 404, body: { errcode: 404, errmsg: 'not found' } };
    }
  });

  return {
    ...server,
    setNextError(code) {
      businessErrors.push(code);
    },
    setNextTokenError(code) {
      tokenErrors.push(code);
    },
    issueCode(openid, unionid) {
      const code = `0${fakeId(15)}`;
      codes.set(code, { openid, ...(unionid ? { unionid } : {}), used: false });
      return code;
    },
    revokeAccessTokens() {
      validTokens.clear();
    },
    refuseMessagesFor(openid) {
      refusing.add(openid);
    },
    sent,
    tokenRequests: () => server.requests.filter((r) => r.path === '/cgi-bin/stable_token').length,
  };
}
