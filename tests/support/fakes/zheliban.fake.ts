// A local stand-in for the IRS gateway in front of 浙里办's unified SSO. The gateway part follows the
// IRS manual: four X-BG-* headers, signing string METHOD\nPATH\nQUERY\nACCESS_KEY\nDATE\n, HMAC-SHA256
// base64, ±90 s clock skew, and its documented 401 answers ({"message":"Invalid signature"} …). The SSO
// part (ticketId → accessToken → user info, {success, data, errorCode, errorMsg}) follows the
// integrators' published clients; see bff/src/providers/identity/zheliban.identity.ts for what is inferred.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { fakeId, header, startFakeServer, type ProviderFake, type RecordedRequest, type Reply } from './fake-server';

export const ZHELIBAN_FAKE_PATHS = {
  accessToken: '/restapi/prod/IC33000020220329000007/uc/sso/access_token',
  userInfo: '/restapi/prod/IC33000020220329000008/uc/sso/getUserInfo',
} as const;

export interface ZhelibanFakeOptions {
  accessKey: string;
  secretKey: string;
  /** When set, access_token requests must carry this appId. */
  appId?: string;
  /** How far the gateway's clock is ahead of ours, to provoke "Clock skew exceeded". */
  clockOffsetMs?: number;
}

export type ZhelibanErrorCode = 'C-USER-SSO-TICKET-INVALID' | 'C-USER-SSO-TOKEN-INVALID' | 'C-USER-SSO-USER-EMPTY' | string;

export interface ZhelibanFake extends ProviderFake<ZhelibanErrorCode> {
  /** A fresh one-time ticketId (what ZWJSBridge.ssoTicket gives the H5 app) for this person. */
  issueTicket(user: { userId: string; userName?: string; phone?: string }): string;
}

const SSO_MSG: Record<string, string> = {
  'C-USER-SSO-TICKET-INVALID': 'ticket非法',
  'C-USER-SSO-TOKEN-INVALID': 'token非法',
  'C-USER-SSO-USER-EMPTY': '用户信息为空',
};

export async function startZhelibanFake(options: ZhelibanFakeOptions): Promise<ZhelibanFake> {
  const tickets = new Map<string, { userId: string; userName?: string; phone?: string; used: boolean }>();
  const tokens = new Map<string, { userId: string; userName?: string; phone?: string }>();
  const errors: string[] = [];

  function gatewayCheck(req: RecordedRequest): Reply | undefined {
    const accessKey = header(req, 'x-bg-hmac-access-key');
    const signature = header(req, 'x-bg-hmac-signature');
    const algorithm = header(req, 'x-bg-hmac-algorithm');
    const dateTime = header(req, 'x-bg-date-time');
    if (!accessKey || accessKey !== options.accessKey) return { status: 401, body: { message: 'Invalid access key' } };
    const when = Date.parse(dateTime);
    if (!dateTime || Number.isNaN(when) || Math.abs(Date.now() + (options.clockOffsetMs ?? 0) - when) > 90_000)
      return { status: 401, body: { message: 'Clock skew exceeded' } };
    if (algorithm.toLowerCase() !== 'hmac-sha256') return { status: 401, body: { message: 'Invalid signature' } };
    const query = Object.keys(req.query)
      .sort()
      .map((k) => `${k}=${req.query[k]}`)
      .join('&');
    const signingString = [req.method.toUpperCase(), req.path, query, accessKey, dateTime].join('\n') + '\n';
    const expected = createHmac('sha256', options.secretKey).update(signingString).digest();
    const given = Buffer.from(signature, 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { status: 401, body: { message: 'Invalid signature' } };
    return undefined;
  }

  const fail = (code: string): Reply => ({
    body: { success: false, errorCode: code, errorMsg: SSO_MSG[code] ?? code, data: null },
  });

  function handle(req: RecordedRequest): Reply {
    if (req.path !== ZHELIBAN_FAKE_PATHS.accessToken && req.path !== ZHELIBAN_FAKE_PATHS.userInfo) {
      return { status: 404, body: { message: 'no Route matched with those values' } };
    }
    const rejected = gatewayCheck(req);
    if (rejected) return rejected;
    if (req.method !== 'POST') return { status: 405, body: { message: 'Method Not Allowed' } };
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      return { status: 400, body: { success: false, errorCode: 'C-PARAM-INVALID', errorMsg: '参数错误' } };
    }
    const queued = errors.shift();
    if (queued) return fail(queued);

    if (req.path === ZHELIBAN_FAKE_PATHS.accessToken) {
      if (options.appId !== undefined && body.appId !== options.appId) return fail('C-USER-SSO-TICKET-INVALID');
      const ticket = typeof body.ticketId === 'string' ? tickets.get(body.ticketId) : undefined;
      if (!ticket || ticket.used) return fail('C-USER-SSO-TICKET-INVALID');
      ticket.used = true;
      const accessToken = `at_${fakeId(16)}`;
      tokens.set(accessToken, {
        userId: ticket.userId,
        ...(ticket.userName ? { userName: ticket.userName } : {}),
        ...(ticket.phone ? { phone: ticket.phone } : {}),
      });
      return { body: { success: true, errorCode: null, errorMsg: null, data: { accessToken } } };
    }

    const user = typeof body.token === 'string' ? tokens.get(body.token) : undefined;
    if (!user) return fail('C-USER-SSO-TOKEN-INVALID');
    return {
      body: {
        success: true,
        errorCode: null,
        errorMsg: null,
        data: {
          userType: 'PERSON',
          personInfo: { userId: user.userId, userName: user.userName ?? null, phone: user.phone ?? null, idType: 'ID_CARD' },
          legalPersonInfo: null,
        },
      },
    };
  }

  const server = await startFakeServer(handle);
  return {
    ...server,
    setNextError(code) {
      errors.push(code);
    },
    issueTicket(user) {
      const ticketId = `tk_${fakeId(16)}`;
      tickets.set(ticketId, { ...user, used: false });
      return ticketId;
    },
  };
}
