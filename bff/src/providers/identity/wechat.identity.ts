// WeChat mini-program login: code2Session, GET {baseUrl}/sns/jscode2session
// (developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html).
// Answer: { openid, session_key, unionid? } or { errcode, errmsg }. session_key is dropped here: it
// decrypts the user's data and must never leave this function.
import { httpStatusError, joinUrl, parseJsonBody, providerFetch } from '../http';
import { ProviderError, type ErrorMapping } from '../provider-error';
import type { IdentityProvider } from './identity-provider';

const PROVIDER = 'wechat';

export interface WechatIdentityConfig {
  /** https://api.weixin.qq.com in production. */
  baseUrl: string;
  appId: string;
  appSecret: string;
  timeoutMs: number;
}

/** errcode → outcome, from the code2Session and global return-code tables. */
export const WECHAT_LOGIN_ERRORS: Record<number, ErrorMapping> = {
  [-1]: { kind: 'unavailable', retryable: true }, // system busy
  40029: { kind: 'invalid_code', retryable: false }, // invalid code
  40163: { kind: 'invalid_code', retryable: false }, // code been used
  41008: { kind: 'invalid_code', retryable: false }, // missing code
  45011: { kind: 'rate_limited', retryable: true }, // api minute-quota reach limit (100/min per user)
  40226: { kind: 'user_refused', retryable: false }, // high-risk user: WeChat blocks the login
  40013: { kind: 'invalid_credentials', retryable: false }, // invalid appid
  40125: { kind: 'invalid_credentials', retryable: false }, // invalid appsecret
  40001: { kind: 'invalid_credentials', retryable: false }, // invalid credential
  41002: { kind: 'invalid_credentials', retryable: false }, // appid missing
  41004: { kind: 'invalid_credentials', retryable: false }, // appsecret missing
  40164: { kind: 'invalid_credentials', retryable: false }, // caller IP not in the whitelist
  40243: { kind: 'invalid_credentials', retryable: false }, // AppSecret frozen
};

export function createWechatIdentity(config: WechatIdentityConfig): IdentityProvider {
  return {
    platform: 'wechat',
    async exchange(code) {
      if (!code)
        throw new ProviderError({ provider: PROVIDER, kind: 'invalid_code', providerCode: 'EMPTY_CODE', retryable: false });
      const query = new URLSearchParams({
        appid: config.appId,
        secret: config.appSecret,
        js_code: code,
        grant_type: 'authorization_code',
      });
      const res = await providerFetch(PROVIDER, `${joinUrl(config.baseUrl, '/sns/jscode2session')}?${query}`, {
        method: 'GET',
        timeoutMs: config.timeoutMs,
      });
      if (res.status !== 200) throw httpStatusError(PROVIDER, res.status);
      const body = parseJsonBody<{ openid?: string; unionid?: string; errcode?: number | string; errmsg?: string }>(
        PROVIDER,
        res,
      );
      const errcode = Number(body.errcode ?? 0);
      if (errcode !== 0) {
        const mapping = WECHAT_LOGIN_ERRORS[errcode] ?? { kind: 'unknown', retryable: false };
        throw new ProviderError({ provider: PROVIDER, ...mapping, providerCode: String(errcode) });
      }
      if (typeof body.openid !== 'string' || !body.openid) {
        throw new ProviderError({
          provider: PROVIDER,
          kind: 'unknown',
          providerCode: 'BAD_RESPONSE',
          retryable: false,
          hint: 'no openid',
        });
      }
      return { subject: body.openid, ...(body.unionid ? { unionId: body.unionid } : {}) };
    },
  };
}
