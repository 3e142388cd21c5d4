// WeChat server-side access_token, from getStableAccessToken: POST {baseUrl}/cgi-bin/stable_token
// { grant_type: 'client_credential', appid, secret, force_refresh }
// (developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-access-token/getStableAccessToken.html).
// Chosen over GET /cgi-bin/token because with /cgi-bin/token each fetch invalidates the others' tokens,
// while the stable token in normal mode is the same for every caller until the platform rotates it
// (5 minutes before expiry, old and new both valid then). Force-refresh mode (limited to 20 a day, 30 s
// apart) is used only when normal mode hands back the very token the API just rejected. The BFF holds one
// token for all its processes in the database (wechat-token-holder.ts); this file has the HTTP call and a
// per-process source for tools and tests.
import { httpStatusError, joinUrl, parseJsonBody, providerFetch } from '../http';
import { ProviderError, type ErrorMapping } from '../provider-error';

const PROVIDER = 'wechat';

export const WECHAT_TOKEN_ERRORS: Record<number, ErrorMapping> = {
  [-1]: { kind: 'unavailable', retryable: true }, // system error
  45009: { kind: 'rate_limited', retryable: true }, // reach max api daily quota limit
  45011: { kind: 'rate_limited', retryable: true },
  40001: { kind: 'invalid_credentials', retryable: false }, // AppSecret wrong
  40002: { kind: 'bad_request', retryable: false }, // invalid grant_type
  40013: { kind: 'invalid_credentials', retryable: false }, // invalid appid
  40125: { kind: 'invalid_credentials', retryable: false }, // invalid appsecret
  40164: { kind: 'invalid_credentials', retryable: false }, // caller IP not in the whitelist
  40243: { kind: 'invalid_credentials', retryable: false }, // AppSecret frozen
  41002: { kind: 'invalid_credentials', retryable: false },
  41004: { kind: 'invalid_credentials', retryable: false },
  89503: { kind: 'invalid_credentials', retryable: false }, // IP call needs administrator confirmation
};

export interface WechatTokenSourceConfig {
  baseUrl: string;
  appId: string;
  appSecret: string;
  timeoutMs: number;
  /** Clock, for tests of expiry. */
  now?: () => number;
}

export interface WechatTokenSource {
  /** A valid token, from cache while it has more than the platform's 5-minute rotation window left. */
  get(): Promise<string>;
  /** Called after the API rejected `rejected` (40001/40014/42001): returns a different, fresh token. */
  renew(rejected: string): Promise<string>;
}

/** One getStableAccessToken call: the token and its lifetime. Throws ProviderError. */
export async function fetchWechatStableToken(
  config: Pick<WechatTokenSourceConfig, 'baseUrl' | 'appId' | 'appSecret' | 'timeoutMs'>,
  forceRefresh: boolean,
): Promise<{ token: string; lifetimeMs: number }> {
  const res = await providerFetch(PROVIDER, joinUrl(config.baseUrl, '/cgi-bin/stable_token'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credential',
      appid: config.appId,
      secret: config.appSecret,
      force_refresh: forceRefresh,
    }),
    timeoutMs: config.timeoutMs,
  });
  if (res.status !== 200) throw httpStatusError(PROVIDER, res.status);
  const body = parseJsonBody<{ access_token?: string; expires_in?: number; errcode?: number }>(PROVIDER, res);
  const errcode = Number(body.errcode ?? 0);
  if (errcode !== 0) {
    throw new ProviderError({
      provider: PROVIDER,
      ...(WECHAT_TOKEN_ERRORS[errcode] ?? { kind: 'unknown', retryable: false }),
      providerCode: String(errcode),
    });
  }
  if (!body.access_token || !(Number(body.expires_in) > 0)) {
    throw new ProviderError({
      provider: PROVIDER,
      kind: 'unknown',
      providerCode: 'BAD_RESPONSE',
      retryable: false,
      hint: 'no access_token',
    });
  }
  return { token: body.access_token, lifetimeMs: Number(body.expires_in) * 1000 };
}

/** When to refresh a token of this lifetime: when the platform's 5-minute rotation window starts (or half-way, for short lifetimes). */
export const refreshAfterMs = (lifetimeMs: number) => Math.max(lifetimeMs - 300_000, lifetimeMs / 2);

/**
 * A token source for ONE process (tests, tools). The BFF uses createWechatTokenHolder
 * (wechat-token-holder.ts), which shares one token through the database across processes.
 */
export function createWechatTokenSource(config: WechatTokenSourceConfig): WechatTokenSource {
  const now = config.now ?? Date.now;
  let cached: { token: string; refreshAt: number } | undefined;
  // One fetch in flight at a time, shared by every concurrent caller.
  let inflight: Promise<string> | undefined;

  async function fetchToken(forceRefresh: boolean): Promise<string> {
    const { token, lifetimeMs } = await fetchWechatStableToken(config, forceRefresh);
    cached = { token, refreshAt: now() + refreshAfterMs(lifetimeMs) };
    return token;
  }

  function single(forceRefresh: boolean): Promise<string> {
    inflight ??= fetchToken(forceRefresh).finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  return {
    async get() {
      if (cached && now() < cached.refreshAt) return cached.token;
      return single(false);
    },
    async renew(rejected) {
      if (cached && cached.token !== rejected && now() < cached.refreshAt) return cached.token;
      cached = undefined;
      const token = await single(false);
      if (token !== rejected) return token;
      cached = undefined;
      return single(true);
    },
  };
}
