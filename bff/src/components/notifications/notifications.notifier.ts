import type { Connection } from 'mongoose';
import type { SubscriptionPlatform } from '@birth/shared';
import type { FieldCrypto } from '../../libraries/crypto';
import { isDuplicateKeyError } from '../../libraries/mongo';
import type { PushMessage, PushProvider } from '../../providers/push/push-provider';
import { isProviderError } from '../../providers/provider-error';
import type { SmsMessage, SmsProvider } from '../../providers/sms/sms-provider';
import { openData } from '../applications/application.data';
import type { ApplicationDoc, OutboxEntry } from '../applications/application.model';
import type { SubscriptionsStore } from '../subscriptions/subscriptions.store';
import { notificationModel, type ChannelState, type NotificationDoc } from './notification.model';
import { COMBINED_TEMPLATE, combinedWantsSms, renderCombined } from './notification.combine';
import {
  cappedReason,
  DeliveryDeferred,
  MUST_REACH,
  quietUntil,
  type QuietHours,
  type SmsLimit,
  type SmsQuota,
} from './notification.policy';
import { renderNotice, SMS_WHEN_NO_PUSH, wantsSms } from './notification.templates';
import { recipientKey, type PhoneConfirmations } from './phone-confirmations';

/** What the channel formats get: the notice as rendered plus what it came from. */
export type Notice = {
  deliveryKey: string;
  applicationId: string;
  template: string;
  itemKey?: string;
  params: Record<string, string>;
  title: string;
  body: string;
  /** Set when a push is formatted: the platform whose template ids apply. */
  platform?: SubscriptionPlatform;
};

/**
 * How a notice becomes a provider message. Real platforms need their own template ids and keyword names
 * (WeChat `thing1`, Aliyun `${name}`, Tencent positional `1`, `2`…); the defaults suit the dev adapters.
 * Returning null leaves that channel out for that notice.
 */
export type ChannelFormats = {
  push?: (notice: Notice) => Pick<PushMessage, 'templateId' | 'data' | 'page'> | null;
  sms?: (notice: Notice) => Pick<SmsMessage, 'templateCode' | 'params'> | null;
};

/** The delivery policy (README "Channel policy"); absent parts leave that rule out. */
export type NotifierPolicy = {
  /** Non-urgent SMS wait until these end (China time); null: none. */
  quietHours?: QuietHours | null;
  /** Per-recipient SMS caps, counted in the database across processes. */
  quota?: SmsQuota | null;
  smsLimits?: readonly SmsLimit[];
  /** Phones not confirmed by their owner get no SMS; absent: every phone counts as confirmed. */
  phones?: Pick<PhoneConfirmations, 'isConfirmed'> | null;
};

export type NotifierDeps = {
  connection: Connection;
  crypto: FieldCrypto;
  /** Subscribe-message channel; null or absent: no push. Only `send` is used. */
  push?: Pick<PushProvider, 'send'> | null;
  /** One push channel per platform; a platform missing here uses `push`. */
  pushByPlatform?: Partial<Record<SubscriptionPlatform, Pick<PushProvider, 'send'> | null>>;
  /** SMS channel; null or absent: no SMS. Only `send` is used. */
  sms?: Pick<SmsProvider, 'send'> | null;
  now?: () => Date;
  /**
   * The parents' subscribe-message credits (POST /api/v1/subscriptions): a push is sent only with a credit
   * for its template, and spends it. Absent: the older rule of `pushRecipient`.
   */
  subscriptions?: SubscriptionsStore | null;
  /**
   * Without `subscriptions`: the platform user to push to, or null for no push. Defaults to the parent's own
   * id, which is what the dev adapter needs.
   */
  pushRecipient?: (application: ApplicationDoc, notice: Notice) => Promise<string | null>;
  formats?: ChannelFormats;
  policy?: NotifierPolicy;
};

/** Delivers one outbox entry. Throws on failure; the relay decides about retrying. */
export type Deliver = (entry: OutboxEntry, application: ApplicationDoc) => Promise<void>;

/** A failure the relay must not retry (an unknown template will not become known by waiting). */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
  readonly retryable = false;
}

const DEFAULT_FORMATS: Required<ChannelFormats> = {
  push: (n) => ({
    templateId: n.template,
    page: `pages/application/detail?id=${encodeURIComponent(n.applicationId)}`,
    data: { title: n.title, body: n.body },
  }),
  sms: (n) => ({ templateCode: n.template, params: { title: n.title, body: n.body } }),
};

const PLATFORMS: readonly SubscriptionPlatform[] = ['wechat', 'alipay'];

type Obj = Record<string, unknown>;

/** The phone of the parent the newborn registers with (who handles the household items), else either parent's. */
export function guardianPhone(application: ApplicationDoc, crypto: FieldCrypto): string | undefined {
  const data = openData(application.data, crypto);
  const household = data.household as Obj | undefined;
  const order =
    household?.registerWith === 'mother'
      ? ['mother', 'father']
      : household?.registerWith === 'father'
        ? ['father', 'mother']
        : ['mother', 'father'];
  for (const who of order) {
    const phone = (data[who] as Obj | undefined)?.phone;
    if (typeof phone === 'string' && phone) return phone;
  }
  return undefined;
}

/** Whether a notice goes by SMS when no push reached the parent. */
function smsWorthy(notice: Notice): boolean {
  if (notice.template === COMBINED_TEMPLATE) return combinedWantsSms(notice.params);
  return wantsSms(notice.template, notice.itemKey) || MUST_REACH.has(notice.template) || SMS_WHEN_NO_PUSH.has(notice.template);
}

/**
 * Delivers one notice under the channel policy, exactly once per outbox entry:
 * 1. the in-app notice (the notification record, `_id = entry.id`) always, first; a duplicate means a delivery
 *    already began and its record says which channels were handled;
 * 2. push, when the parent holds a subscribe-message credit for the notice's template (the send spends it; a
 *    43101 "refused" uses it up too and the notice falls to SMS);
 * 3. otherwise SMS, for notices worth one: to a confirmed phone only, outside quiet hours, under the
 *    per-recipient caps — a notice that has to wait is deferred (the relay moves it, counting no attempt).
 * Each channel is marked right after its send; a crash between a send and its mark can repeat that one send.
 */
export function createNotifier(deps: NotifierDeps): Deliver {
  const { crypto } = deps;
  const now = deps.now ?? (() => new Date());
  const Notification = notificationModel(deps.connection);
  const formats = { ...DEFAULT_FORMATS, ...deps.formats };
  const policy = deps.policy ?? {};
  const pushRecipient = deps.pushRecipient ?? (async (application: ApplicationDoc) => application.ownerId);
  const pushChannel = (platform: SubscriptionPlatform) =>
    deps.pushByPlatform?.[platform] !== undefined ? deps.pushByPlatform[platform] : (deps.push ?? null);

  async function ensureRecord(entry: OutboxEntry, application: ApplicationDoc, notice: Notice): Promise<NotificationDoc> {
    const doc: NotificationDoc = {
      _id: entry.id,
      ownerId: application.ownerId,
      applicationId: application._id,
      template: entry.template,
      ...(entry.itemKey ? { itemKey: entry.itemKey } : {}),
      title: notice.title,
      body: notice.body,
      createdAt: now(),
      channels: {},
    };
    try {
      await Notification.create(doc);
      return doc;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      // Delivered (or begun) before: carry on from what the record says was already handled.
      const existing = await Notification.findById(entry.id).lean<NotificationDoc>();
      if (!existing) throw err;
      return existing;
    }
  }

  async function mark(id: string, channel: 'push' | 'sms', state: ChannelState) {
    await Notification.updateOne({ _id: id }, { $set: { [`channels.${channel}`]: { state, at: now() } } });
  }

  /** Sends one push if the parent can receive it; returns the channel's outcome. */
  async function sendPush(application: ApplicationDoc, notice: Notice): Promise<ChannelState> {
    if (!deps.subscriptions) {
      const push = deps.push;
      const message = push ? formats.push(notice) : null;
      const toUser = message ? await pushRecipient(application, notice) : null;
      if (!push || !message || !toUser) return 'skipped';
      await push.send({ ...message, toUser, idempotencyKey: notice.deliveryKey });
      return 'sent';
    }
    for (const platform of PLATFORMS) {
      const push = pushChannel(platform);
      const message = push ? formats.push({ ...notice, platform }) : null;
      if (!push || !message) continue;
      const credit = await deps.subscriptions.take(application.ownerId, platform, message.templateId, notice.deliveryKey);
      if (!credit) continue;
      // Spent whatever happens: a 43101 (refused, no subscription left) uses it up, and a retry of this notice
      // after a retryable failure finds and reuses it.
      await push.send({ ...message, toUser: credit.toUser, idempotencyKey: notice.deliveryKey });
      return 'sent';
    }
    return 'skipped';
  }

  /** Sends the SMS when the policy lets it go now; throws DeliveryDeferred when it has to wait. */
  async function sendSms(record: NotificationDoc & { smsQuota?: boolean }, application: ApplicationDoc, notice: Notice) {
    const sms = deps.sms;
    const message = sms ? formats.sms(notice) : null;
    const phone = message ? guardianPhone(application, crypto) : undefined;
    if (!sms || !message || !phone) return 'skipped';
    if (policy.phones && !(await policy.phones.isConfirmed(application.ownerId, phone))) return 'unconfirmed';
    const at = now();
    const daytime = quietUntil(at, policy.quietHours ?? null);
    if (daytime) throw new DeliveryDeferred(daytime, 'quiet hours: the SMS waits for the morning');
    if (policy.quota && policy.smsLimits?.length && !record.smsQuota) {
      const verdict = await policy.quota.take(recipientKey(crypto, phone), policy.smsLimits);
      if (!verdict.ok) throw new DeliveryDeferred(new Date(at.getTime() + verdict.retryAfterMs), cappedReason(verdict.limit));
      // Counted once per notice, whatever happens to the send: a retry does not count it again.
      // (The raw collection: the model's schema would drop a field it does not list.)
      await deps.connection.collection('notifications').updateOne({ _id: record._id as never }, { $set: { smsQuota: true } });
    }
    await sms.send({ ...message, phone, idempotencyKey: notice.deliveryKey });
    return 'sent';
  }

  return async function deliver(entry, application) {
    const rendered =
      entry.template === COMBINED_TEMPLATE
        ? renderCombined(entry.params)
        : renderNotice(entry.template, entry.params, entry.itemKey);
    if (!rendered) throw new PermanentDeliveryError(`unknown notice template ${entry.template}`);
    const notice: Notice = {
      deliveryKey: entry.id,
      applicationId: application._id,
      template: entry.template,
      itemKey: entry.itemKey,
      params: entry.params ?? {},
      ...rendered,
    };
    const record = await ensureRecord(entry, application, notice);
    const channels = record.channels ?? {};

    if (!channels.push) {
      try {
        const state = await sendPush(application, notice);
        await mark(record._id, 'push', state);
        channels.push = { state, at: now() };
      } catch (err) {
        // Retryable (the platform is down, throttled): the whole notice is retried, push first.
        if (!isProviderError(err) || err.retryable) throw err;
        // Refused (43101) or a permanent push failure: the notice falls to SMS.
        const state: ChannelState = err.kind === 'user_refused' ? 'refused' : 'failed';
        await mark(record._id, 'push', state);
        channels.push = { state, at: now() };
      }
    }
    if (channels.push?.state === 'sent' || channels.sms || !smsWorthy(notice)) return;
    await mark(record._id, 'sms', await sendSms(record, application, notice));
  };
}
