import { randomUUID } from 'node:crypto';
import { Schema, trusted, type Connection, type Model } from 'mongoose';
import type { SubscriptionPlatform, SubscriptionResult } from '@birth/shared';
import type { FieldCrypto } from '../../libraries/crypto';
import { isDuplicateKeyError } from '../../libraries/mongo';

/**
 * One WeChat one-time subscription: the parent accepted this template once, so one message may be sent.
 * One document per credit (never a counter: FerretDB 1.24's `$inc` loses updates under concurrency), named
 * `<ownerId>|<platform>|<templateId>|<created, ms>|<random>`: FerretDB answers only `_id` look-ups and ranges
 * from an index (any other filter scans the collection), so a parent's credits are an `_id` range, oldest first.
 */
type CreditDoc = { _id: string; ownerId: string; platform: SubscriptionPlatform; templateId: string; createdAt: Date };
/**
 * A credit spent: inserting `{ _id: creditId }` is the only way to spend it, and the unique `_id` lets exactly
 * one send have it. Then `{ _id: 'delivery|<deliveryKey>', creditId }` lets a retry of the same notice find the
 * credit it already spent, by `_id`.
 */
type UseDoc = { _id: string; deliveryKey: string; ownerId: string; at: Date; creditId?: string };
/** The parent's last word on a template that was not an acceptance (reject, ban). */
type PreferenceDoc = { _id: string; ownerId: string; result: SubscriptionResult; at: Date };
/** The platform user id messages go to, sealed: `_id` is `<ownerId>|<platform>`. */
type RecipientDoc = { _id: string; sealed: string; updatedAt: Date };

const creditSchema = new Schema<CreditDoc>(
  {
    _id: String,
    ownerId: { type: String, required: true },
    platform: { type: String, required: true },
    templateId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
const useSchema = new Schema<UseDoc>(
  {
    _id: String,
    deliveryKey: { type: String, required: true },
    ownerId: { type: String, required: true },
    at: { type: Date, required: true },
    creditId: String,
  },
  { versionKey: false },
);
const preferenceSchema = new Schema<PreferenceDoc>(
  { _id: String, ownerId: { type: String, required: true }, result: { type: String, required: true }, at: Date },
  { versionKey: false },
);
const recipientSchema = new Schema<RecipientDoc>(
  { _id: String, sealed: { type: String, required: true }, updatedAt: { type: Date, required: true } },
  { versionKey: false },
);

const creditModel = (c: Connection): Model<CreditDoc> =>
  (c.models.PushCredit as Model<CreditDoc> | undefined) ?? c.model<CreditDoc>('PushCredit', creditSchema, 'push_credits');
const useModel = (c: Connection): Model<UseDoc> =>
  (c.models.PushCreditUse as Model<UseDoc> | undefined) ?? c.model<UseDoc>('PushCreditUse', useSchema, 'push_credit_uses');
const preferenceModel = (c: Connection): Model<PreferenceDoc> =>
  (c.models.PushPreference as Model<PreferenceDoc> | undefined) ??
  c.model<PreferenceDoc>('PushPreference', preferenceSchema, 'push_preferences');
const recipientModel = (c: Connection): Model<RecipientDoc> =>
  (c.models.PushRecipient as Model<RecipientDoc> | undefined) ??
  c.model<RecipientDoc>('PushRecipient', recipientSchema, 'push_recipients');

const recipientContext = (platform: string) => `push.recipient.${platform}`;
/** Every `_id` that starts with `prefix|` (the characters of our ids all sort below `~`). */
const idRange = (prefix: string) => ({ _id: trusted({ $gte: `${prefix}|`, $lt: `${prefix}|~` }) });
const deliveryMark = (deliveryKey: string) => `delivery|${deliveryKey}`;

/** A credit taken for one delivery: who to send to and which credit it was. */
export type TakenCredit = { creditId: string; platform: SubscriptionPlatform; toUser: string };

/**
 * Subscribe-message credits. Recording is append-only; spending is a unique insert, so two relays (or two
 * BFF processes) sending at once never spend one credit twice, and a credit is never spent by two notices.
 */
export function createSubscriptionsStore(deps: { connection: Connection; crypto: FieldCrypto; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  const Credit = creditModel(deps.connection);
  const Use = useModel(deps.connection);
  const Preference = preferenceModel(deps.connection);
  const Recipient = recipientModel(deps.connection);

  async function recipient(ownerId: string, platform: SubscriptionPlatform): Promise<string | null> {
    const doc = await Recipient.findById(`${ownerId}|${platform}`).lean<RecipientDoc>();
    return doc ? deps.crypto.open(doc.sealed, recipientContext(platform)) : null;
  }

  return {
    /** Records one prompt's results; each acceptance is one credit. Returns the number of credits added. */
    async record(
      ownerId: string,
      platform: SubscriptionPlatform,
      toUser: string,
      results: { templateId: string; result: SubscriptionResult }[],
    ): Promise<number> {
      const at = now();
      await Recipient.updateOne(
        { _id: `${ownerId}|${platform}` },
        { $set: { sealed: deps.crypto.seal(toUser, recipientContext(platform)), updatedAt: at } },
        { upsert: true },
      );
      let added = 0;
      for (const { templateId, result } of results) {
        if (result === 'accept') {
          const id = `${ownerId}|${platform}|${templateId}|${String(at.getTime()).padStart(15, '0')}|${randomUUID()}`;
          await Credit.create({ _id: id, ownerId, platform, templateId, createdAt: at });
          await Preference.deleteOne({ _id: `${ownerId}|${platform}|${templateId}` });
          added++;
        } else {
          await Preference.updateOne(
            { _id: `${ownerId}|${platform}|${templateId}` },
            { $set: { ownerId, result, at } },
            { upsert: true },
          );
          // A banned template can never be sent again: its credits are worthless.
          if (result === 'ban') await Credit.deleteMany(idRange(`${ownerId}|${platform}|${templateId}`));
        }
      }
      return added;
    },

    /** Unspent credits per template, for the app to decide whether to prompt again. */
    async balance(ownerId: string): Promise<{ platform: string; templateId: string; credits: number }[]> {
      const credits = await Credit.find(idRange(ownerId)).lean<CreditDoc[]>();
      const counts = new Map<string, { platform: string; templateId: string; credits: number }>();
      for (const c of credits) {
        if (await Use.exists({ _id: c._id })) continue; // spent, not yet tidied away
        const key = `${c.platform}|${c.templateId}`;
        const row = counts.get(key) ?? { platform: c.platform, templateId: c.templateId, credits: 0 };
        row.credits++;
        counts.set(key, row);
      }
      return [...counts.values()].sort((a, b) => (a.platform + a.templateId).localeCompare(b.platform + b.templateId));
    },

    /**
     * Spends one credit of `templateId` for the delivery `deliveryKey`, or returns the one that delivery
     * already spent (a retry after a provider failure or a crash). Null: no credit, so no push.
     */
    async take(
      ownerId: string,
      platform: SubscriptionPlatform,
      templateId: string,
      deliveryKey: string,
    ): Promise<TakenCredit | null> {
      const toUser = await recipient(ownerId, platform);
      if (!toUser) return null;
      const spent = await Use.findById(deliveryMark(deliveryKey)).lean<UseDoc>();
      if (spent?.creditId) {
        const credit = await Credit.findById(spent.creditId).lean<CreditDoc>();
        // After tidying only the id is left: it names its platform and template.
        if (
          credit
            ? credit.platform === platform && credit.templateId === templateId
            : spent.creditId.startsWith(`${ownerId}|${platform}|${templateId}|`)
        )
          return { creditId: spent.creditId, platform, toUser };
      }
      const candidates = await Credit.find(idRange(`${ownerId}|${platform}|${templateId}`))
        .sort({ _id: 1 })
        .limit(20)
        .lean<CreditDoc[]>();
      for (const credit of candidates) {
        try {
          await Use.create({ _id: credit._id, deliveryKey, ownerId, at: now() });
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
          continue; // spent by another delivery: try the next one
        }
        // Which credit this delivery holds, for its retries (a crash just before this loses one credit, never sends twice).
        await Use.create({ _id: deliveryMark(deliveryKey), deliveryKey, ownerId, at: now(), creditId: credit._id }).catch(
          (err: unknown) => {
            if (!isDuplicateKeyError(err)) throw err;
          },
        );
        return { creditId: credit._id, platform, toUser };
      }
      return null;
    },

    /** Removes spent credits (the use markers stay: they are what makes spending exactly-once). */
    async tidy(creditId: string): Promise<void> {
      await Credit.deleteOne({ _id: creditId });
    },

    recipient,
  };
}

export type SubscriptionsStore = ReturnType<typeof createSubscriptionsStore>;
