import type { SubscriptionPlatform } from '@birth/shared';
import { COMBINED_TEMPLATE } from '../notifications/notification.combine';
import { NOTICE_TEMPLATES } from '../notifications/notification.templates';

/** Notice template → subscribe-message template id, per platform. */
export type PushTemplateIds = Record<SubscriptionPlatform, Readonly<Record<string, string>>>;

/**
 * PUSH_TEMPLATE_IDS (checked by loadConfig). Unset outside production, each notice template is its own id
 * (the dev push adapter and the local fakes accept any id); unset in production, there are none: no push.
 */
export function pushTemplateIdsFromConfig(config: { PUSH_TEMPLATE_IDS?: string; NODE_ENV: string }): PushTemplateIds {
  if (config.PUSH_TEMPLATE_IDS) {
    const map = JSON.parse(config.PUSH_TEMPLATE_IDS) as Partial<PushTemplateIds>;
    return { wechat: map.wechat ?? {}, alipay: map.alipay ?? {} };
  }
  if (config.NODE_ENV === 'production') return { wechat: {}, alipay: {} };
  const identity = Object.fromEntries([...NOTICE_TEMPLATES, COMBINED_TEMPLATE].map((t) => [t, t]));
  return { wechat: identity, alipay: identity };
}

/** The template ids the app may report for a platform. */
export const knownTemplateIds = (ids: PushTemplateIds, platform: SubscriptionPlatform): ReadonlySet<string> =>
  new Set(Object.values(ids[platform]));
