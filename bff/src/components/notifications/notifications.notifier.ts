import type { Connection } from 'mongoose';
import type { FieldCrypto } from '../../libraries/crypto';
import { isDuplicateKeyError } from '../../libraries/mongo';
import type { PushMessage, PushProvider } from '../../providers/push/push-provider';
import { isProviderError } from '../../providers/provider-error';
import type { SmsMessage, SmsProvider } from '../../providers/sms/sms-provider';
import { openData } from '../applications/application.data';
import type { ApplicationDoc, OutboxEntry } from '../applications/application.model';
import { notificationModel, type ChannelState, type NotificationDoc } from './notification.model';
import { renderNotice, SMS_WHEN_NO_PUSH, wantsSms } from './notification.templates';

/** What the channel formats get: the notice as rendered plus what it came from. */
export type Notice = {
  deliveryKey: string;
  applicationId: string;
  template: string;
  itemKey?: string;
  params: Record<string, string>;
  title: string;
  body: string;
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

export type NotifierDeps = {
  connection: Connection;
  crypto: FieldCrypto;
  /** Subscribe-message channel; null or absent: no push. Only `send` is used. */
  push?: Pick<PushProvider, 'send'> | null;
  /** SMS channel; null or absent: no SMS. Only `send` is used. */
  sms?: Pick<SmsProvider, 'send'> | null;
  now?: () => Date;
  /**
   * The platform user to push to (WeChat openid, Alipay user id), or null when the parent has no
   * subscription for this template. Defaults to the parent's own id, which is what the dev adapter needs;
   * real adapters need the subscription records (POST /api/v1/subscriptions).
   */
  pushRecipient?: (application: ApplicationDoc, notice: Notice) => Promise<string | null>;
  formats?: ChannelFormats;
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

type Obj = Record<string, unknown>;

/** The phone of the parent the newborn registers with (who handles the household items), else either parent's. */
function guardianPhone(application: ApplicationDoc, crypto: FieldCrypto): string | undefined {
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

/**
 * Exactly-once delivery of notices, by the outbox entry's deterministic id:
 * 1. the notification record is inserted with `_id = entry.id` (a duplicate means a delivery already began);
 * 2. each channel is sent only if the record does not yet say it was handled, and is marked right after.
 * A crash between a send and its mark can still repeat that one send; everything else is recognised.
 */
export function createNotifier(deps: NotifierDeps): Deliver {
  const { crypto } = deps;
  const now = deps.now ?? (() => new Date());
  const Notification = notificationModel(deps.connection);
  const formats = { ...DEFAULT_FORMATS, ...deps.formats };
  const pushRecipient = deps.pushRecipient ?? (async (application: ApplicationDoc) => application.ownerId);

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

  /** Sends on one channel unless already handled; returns the failure to report, if any. */
  async function channel(record: NotificationDoc, name: 'push' | 'sms', send: () => Promise<ChannelState>): Promise<unknown> {
    if (record.channels?.[name]) return undefined;
    try {
      await mark(record._id, name, await send());
      return undefined;
    } catch (err) {
      // A parent who declined or used up the subscription cannot be pushed to: that is an outcome, not a failure.
      if (name === 'push' && isProviderError(err) && err.kind === 'user_refused') {
        await mark(record._id, name, 'refused');
        return undefined;
      }
      return err;
    }
  }

  return async function deliver(entry, application) {
    const rendered = renderNotice(entry.template, entry.params, entry.itemKey);
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

    const failures: unknown[] = [];
    const push = deps.push;
    let pushed = record.channels?.push?.state === 'sent';
    if (push) {
      failures.push(
        await channel(record, 'push', async () => {
          const message = formats.push(notice);
          const toUser = message ? await pushRecipient(application, notice) : null;
          if (!message || !toUser) return 'skipped';
          await push.send({ ...message, toUser, idempotencyKey: entry.id });
          pushed = true;
          return 'sent';
        }),
      );
    }
    const sms = deps.sms;
    // Some notices go by SMS only when no push reached the parent (push failed, skipped, refused or absent).
    const smsWanted = wantsSms(entry.template, entry.itemKey) || (SMS_WHEN_NO_PUSH.has(entry.template) && !pushed);
    if (sms && smsWanted && !(SMS_WHEN_NO_PUSH.has(entry.template) && failures.some((f) => f !== undefined))) {
      failures.push(
        await channel(record, 'sms', async () => {
          const message = formats.sms(notice);
          const phone = message ? guardianPhone(application, crypto) : undefined;
          if (!message || !phone) return 'skipped';
          await sms.send({ ...message, phone, idempotencyKey: entry.id });
          return 'sent';
        }),
      );
    }
    // One channel failing does not hold back the other; the entry is retried for what is left, and only
    // when every failure is permanent does the relay give up at once.
    const failed = failures.filter((f) => f !== undefined);
    if (!failed.length) return;
    const retryable = failed.find((f) => !(isProviderError(f) && !f.retryable));
    throw retryable ?? failed[0];
  };
}
