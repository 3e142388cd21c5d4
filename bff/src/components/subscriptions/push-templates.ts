import type { SubscriptionPlatform } from '@birth/shared';
import { COMBINED_TEMPLATE } from '../notifications/notification.combine';
import { parsePushTemplates } from '../notifications/notification.formats';
import { NOTICE_TEMPLATES } from '../notifications/notification.templates';

/** Notice template → subscribe-message template id, per platform. */
export type PushTemplateIds = Record<SubscriptionPlatform, Readonly<Record<string, string>>>;

/**
 * The template ids of PUSH_TEMPLATES (checked by loadConfig). Unset outside production, each notice template
 * is its own id (the dev push adapter and the local fakes accept any id); unset in production, there are none:
 * no push.
 */
export function pushTemplateIdsFromConfig(config: { PUSH_TEMPLATES?: string; NODE_ENV: string }): PushTemplateIds {
  if (config.PUSH_TEMPLATES) {
    const { templates } = parsePushTemplates(config.PUSH_TEMPLATES);
    const idsOf = (byNotice: Record<string, { templateId: string }> = {}) =>
      Object.fromEntries(Object.entries(byNotice).map(([notice, t]) => [notice, t.templateId]));
    return { wechat: idsOf(templates.wechat), alipay: idsOf(templates.alipay) };
  }
  if (config.NODE_ENV === 'production') return { wechat: {}, alipay: {} };
  const identity = Object.fromEntries([...NOTICE_TEMPLATES, COMBINED_TEMPLATE].map((t) => [t, t]));
  return { wechat: identity, alipay: identity };
}

/** The template ids the app may report for a platform. */
export const knownTemplateIds = (ids: PushTemplateIds, platform: SubscriptionPlatform): ReadonlySet<string> =>
  new Set(Object.values(ids[platform]));
