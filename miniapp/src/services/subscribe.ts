import Taro from '@tarojs/taro';
import type { SubscriptionInput, SubscriptionPlatform, SubscriptionResult } from '@birth/shared';

// Subscribe messages: the platform's prompt, and what the parent answered, as the BFF records it
// (`POST /api/v1/subscriptions`, `SubscriptionInput` in shared/src/Subscription.ts, sent with a fresh login code).

export type SubscribePlatform = SubscriptionPlatform;
export type SubscribeResult = SubscriptionResult;

/** What the prompt answered, as the BFF records it; the login code is added when it is sent. */
export type SubscriptionBody = Omit<SubscriptionInput, 'code'>;

/** WeChat shows at most 3 templates per prompt; Alipay's entityIds take 3 too. */
export const MAX_TEMPLATES_PER_PROMPT = 3;

/** WeChat's fail code when the parent switched subscribe messages off altogether (设置 → 订阅消息). */
const WECHAT_MAIN_SWITCH_OFF = 20004;

type Answer = Record<string, unknown> | null | undefined;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const failed = (answer: Answer) => typeof answer?.errMsg === 'string' && !/:ok$/.test(answer.errMsg);
const errCodeOf = (answer: Answer) => Number(answer?.errCode ?? answer?.error ?? NaN);

/**
 * WeChat's answer (`{ errMsg: 'requestSubscribeMessage:ok', [templateId]: 'accept' | 'reject' | 'ban' |
 * 'filter' }`) → the body for the BFF. `filter` (WeChat dropped a template with a duplicate title: the
 * parent never saw it) is no answer and is left out. A failed prompt is no answer either (nothing to
 * record, `undefined`), except when the parent has turned subscribe messages off: that refuses every template.
 */
export function wechatSubscription(templateIds: readonly string[], answer: Answer): SubscriptionBody | undefined {
  if (failed(answer)) {
    if (errCodeOf(answer) !== WECHAT_MAIN_SWITCH_OFF) return undefined;
    return { platform: 'wechat', results: templateIds.map((templateId) => ({ templateId, result: 'reject' })) };
  }
  const results: SubscriptionBody['results'] = [];
  for (const templateId of templateIds) {
    const value = answer?.[templateId];
    if (value === 'accept' || value === 'reject' || value === 'ban') results.push({ templateId, result: value });
  }
  return results.length ? { platform: 'wechat', results } : undefined;
}

/**
 * Alipay's answer to `my.requestSubscribeMessage({ entityIds })`: `{ behavior: 'subscribe' | 'cancel',
 * refuse, result: { subscribeEntityIds, subscribedEntityIds, unsubscribedEntityIds } }` (and, like WeChat,
 * a per-template 'accept' | 'reject' where the client gives one). Subscribed now or before → accept;
 * unsubscribed, cancelled or refused → reject. A failed call is no answer.
 */
export function alipaySubscription(templateIds: readonly string[], answer: Answer): SubscriptionBody | undefined {
  if (!answer || failed(answer) || (answer.error !== undefined && answer.behavior === undefined)) return undefined;
  const result = isRecord(answer.result) ? answer.result : {};
  const list = (key: string) => (Array.isArray(result[key]) ? (result[key] as unknown[]).map(String) : []);
  const accepted = new Set([
    ...list('subscribeEntityIds'),
    ...list('subscribedEntityIds'),
    ...list('currentSubscribedEntityIds'),
  ]);
  const declined = answer.behavior === 'cancel' || answer.refuse === true;
  const results = templateIds.map((templateId) => {
    const own = answer[templateId];
    const value: SubscribeResult =
      own === 'accept' || own === 'reject' || own === 'ban' ? own : accepted.has(templateId) && !declined ? 'accept' : 'reject';
    return { templateId, result: value };
  });
  return { platform: 'alipay', results };
}

declare const my: { requestSubscribeMessage?: (options: Record<string, unknown>) => void } | undefined;

/** Calls the platform's prompt; resolves with its raw answer (also for a failure, which carries errMsg/error). */
function prompt(platform: SubscribePlatform, templateIds: string[]): Promise<Answer> {
  return new Promise((resolve) => {
    if (platform === 'alipay') {
      // Taro passes its options through unchanged, but Alipay names the templates entityIds.
      if (typeof my === 'undefined' || typeof my.requestSubscribeMessage !== 'function') {
        resolve({ errMsg: 'requestSubscribeMessage:fail unsupported' });
        return;
      }
      my.requestSubscribeMessage({ entityIds: templateIds, success: resolve, fail: resolve });
      return;
    }
    Taro.requestSubscribeMessage({
      tmplIds: templateIds,
      success: (res: unknown) => resolve(res as Answer),
      fail: (res: unknown) => resolve(res as Answer),
    } as unknown as Taro.requestSubscribeMessage.Option).catch((res: unknown) => resolve(res as Answer));
  });
}

/**
 * Asks for the given templates (call it from the parent's tap: both platforms refuse otherwise) and maps
 * the answer. `undefined` when there was no answer to record.
 */
export async function askSubscriptions(
  platform: SubscribePlatform,
  templateIds: readonly string[],
): Promise<SubscriptionBody | undefined> {
  const ids = templateIds.slice(0, MAX_TEMPLATES_PER_PROMPT);
  if (ids.length === 0) return undefined;
  const answer = await prompt(platform, ids);
  return platform === 'alipay' ? alipaySubscription(ids, answer) : wechatSubscription(ids, answer);
}

/** Which prompt this build has: none on H5 (浙里办 has no subscribe message; news comes by SMS). */
export function subscribePlatform(): SubscribePlatform | undefined {
  if (process.env.TARO_ENV === 'weapp') return 'wechat';
  if (process.env.TARO_ENV === 'alipay') return 'alipay';
  return undefined;
}
