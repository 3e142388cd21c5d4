// WeChat mini-program subscribe message: subscribeMessage.send,
// POST {baseUrl}/cgi-bin/message/subscribe/send?access_token=…
// (developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html)
// body { touser, template_id, page, data: { key: { value } }, miniprogram_state, lang }
// answer { errcode: 0, errmsg: 'ok', msgid } or { errcode, errmsg }.
import { httpStatusError, joinUrl, parseJsonBody, providerFetch } from '../http';
import { ProviderError, type ErrorMapping } from '../provider-error';
import { createWechatTokenSource, type WechatTokenSource } from './wechat-access-token';
import type { PushProvider } from './push-provider';

const PROVIDER = 'wechat';

export interface WechatPushConfig {
  /** https://api.weixin.qq.com in production. */
  baseUrl: string;
  appId: string;
  appSecret: string;
  timeoutMs: number;
  /** Which mini-program version the message opens: 'formal' (default), 'trial' or 'developer'. */
  miniprogramState?: 'formal' | 'trial' | 'developer';
  now?: () => number;
  /**
   * Where tokens come from. The BFF passes the database-shared holder (createWechatTokenHolder), so every
   * process uses one token and a rejection is refreshed once for all; default: this process's own.
   */
  tokens?: WechatTokenSource;
}

/** errcode → outcome for subscribeMessage.send. */
export const WECHAT_PUSH_ERRORS: Record<number, ErrorMapping> = {
  [-1]: { kind: 'unavailable', retryable: true }, // system busy
  43101: { kind: 'user_refused', retryable: false }, // user refuses / no subscription left / unsubscribed
  47003: { kind: 'template_invalid', retryable: false }, // template data invalid (errmsg names the field)
  40003: { kind: 'recipient_invalid', retryable: false }, // invalid openid
  40037: { kind: 'template_invalid', retryable: false }, // invalid template_id
  41030: { kind: 'template_invalid', retryable: false }, // invalid page
  45009: { kind: 'rate_limited', retryable: true }, // api daily quota reached
  45011: { kind: 'rate_limited', retryable: true },
  40001: { kind: 'invalid_credentials', retryable: false }, // still rejected after one token renewal
  40014: { kind: 'invalid_credentials', retryable: false },
  42001: { kind: 'invalid_credentials', retryable: false },
  48001: { kind: 'invalid_credentials', retryable: false }, // api unauthorized
};

const TOKEN_REJECTED = new Set([40001, 40014, 42001]);

export function createWechatPush(config: WechatPushConfig): PushProvider {
  const tokens = config.tokens ?? createWechatTokenSource(config);
  const sendUrl = joinUrl(config.baseUrl, '/cgi-bin/message/subscribe/send');

  async function attempt(token: string, body: string): Promise<{ errcode: number; msgid?: string }> {
    const res = await providerFetch(PROVIDER, `${sendUrl}?access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      timeoutMs: config.timeoutMs,
    });
    if (res.status !== 200) throw httpStatusError(PROVIDER, res.status);
    const parsed = parseJsonBody<{ errcode?: number | string; msgid?: number | string }>(PROVIDER, res);
    return { errcode: Number(parsed.errcode ?? 0), ...(parsed.msgid !== undefined ? { msgid: String(parsed.msgid) } : {}) };
  }

  return {
    channel: 'wechat',
    async send(msg) {
      const body = JSON.stringify({
        touser: msg.toUser,
        template_id: msg.templateId,
        ...(msg.page ? { page: msg.page } : {}),
        data: Object.fromEntries(Object.entries(msg.data).map(([k, value]) => [k, { value }])),
        miniprogram_state: config.miniprogramState ?? 'formal',
        lang: 'zh_CN',
      });
      let token = await tokens.get();
      let result = await attempt(token, body);
      // The token can be revoked or rotated under us: renew it once and try again, never more.
      if (TOKEN_REJECTED.has(result.errcode)) {
        token = await tokens.renew(token);
        result = await attempt(token, body);
      }
      if (result.errcode !== 0) {
        throw new ProviderError({
          provider: PROVIDER,
          ...(WECHAT_PUSH_ERRORS[result.errcode] ?? { kind: 'unknown', retryable: false }),
          providerCode: String(result.errcode),
        });
      }
      return result.msgid ? { providerMessageId: result.msgid } : {};
    },
  };
}
