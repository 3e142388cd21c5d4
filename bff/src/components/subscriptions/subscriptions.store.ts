import { Schema, type Connection, type Model } from 'mongoose';
import type { SubscriptionPlatform, SubscriptionResult } from '@birth/shared';
import type { FieldCrypto } from '../../libraries/crypto';
import { isDuplicateKeyError } from '../../libraries/mongo';

/**
 * One WeChat one-time subscription: the parent accepted this template once, so one message may be sent.
 * One document per credit (never a counter: FerretDB 1.24's `$inc` loses updates under concurrency), numbered
 * `<ownerId>|<platform>|<templateId>|<n>` from 0 without gaps: FerretDB answers only an `_id` equality from an
 * index (any other filter, a range included, scans the collection), so credits are walked by `_id`. Spent
 * credits stay (their use marker says so), so a number is never given twice.
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
const deliveryMark = (deliveryKey: string) => `delivery|${deliveryKey}`;

/** A credit taken for one delivery: who to send to and which credit it was. */
export type TakenCredit = { creditId: string; platform: SubscriptionPlatform; toUser: string };

/** Most credits one parent may hold for one template (WeChat lets a user accept the same template again and again). */
const MAX_CREDITS = 200;

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
  const creditId = (ownerId: string, platform: string, templateId: string, n: number) =>
    `${ownerId}|${platform}|${templateId}|${n}`;

  async function recipient(ownerId: string, platform: SubscriptionPlatform): Promise<string | null> {
    const doc = await Recipient.findById(`${ownerId}|${platform}`).lean<RecipientDoc>();
    return doc ? deps.crypto.open(doc.sealed, recipientContext(platform)) : null;
  }

  /** Inserts a marker; false when it exists already. */
  async function insertUse(doc: UseDoc): Promise<boolean> {
    try {
      await Use.create(doc);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /** Walks one template's credits in order, calling `visit` with each id until it returns true or they end. */
  async function walk(ownerId: string, platform: string, templateId: string, visit: (id: string) => Promise<boolean>) {
    for (let n = 0; n < MAX_CREDITS; n++) {
      const id = creditId(ownerId, platform, templateId, n);
      if (!(await Credit.exists({ _id: id }))) return false;
      if (await visit(id)) return true;
    }
    return false;
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
          // The next free number: a unique insert, so two prompts recorded at once both get theirs.
          for (let n = 0; n < MAX_CREDITS; n++) {
            try {
              await Credit.create({
                _id: creditId(ownerId, platform, templateId, n),
                ownerId,
                platform,
                templateId,
                createdAt: at,
              });
              added++;
              break;
            } catch (err) {
              if (!isDuplicateKeyError(err)) throw err;
            }
          }
          await Preference.deleteOne({ _id: `${ownerId}|${platform}|${templateId}` });
        } else {
          await Preference.updateOne(
            { _id: `${ownerId}|${platform}|${templateId}` },
            { $set: { ownerId, result, at } },
            { upsert: true },
          );
          // A banned template can never be sent again: its unspent credits are used up.
          if (result === 'ban')
            await walk(ownerId, platform, templateId, async (id) => {
              await insertUse({ _id: id, deliveryKey: 'ban', ownerId, at });
              return false;
            });
        }
      }
      return added;
    },

    /** Unspent credits of these templates, for the app to decide whether to prompt again. */
    async balance(
      ownerId: string,
      templates: { platform: SubscriptionPlatform; templateIds: Iterable<string> }[],
    ): Promise<{ platform: string; templateId: string; credits: number }[]> {
      const rows: { platform: string; templateId: string; credits: number }[] = [];
      for (const { platform, templateIds } of templates) {
        for (const templateId of new Set(templateIds)) {
          let credits = 0;
          await walk(ownerId, platform, templateId, async (id) => {
            if (!(await Use.exists({ _id: id }))) credits++;
            return false;
          });
          if (credits) rows.push({ platform, templateId, credits });
        }
      }
      return rows.sort((a, b) => (a.platform + a.templateId).localeCompare(b.platform + b.templateId));
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
      const held = await Use.findById(deliveryMark(deliveryKey)).lean<UseDoc>();
      if (held?.creditId?.startsWith(`${ownerId}|${platform}|${templateId}|`))
        return { creditId: held.creditId, platform, toUser };
      let taken: string | null = null;
      await walk(ownerId, platform, templateId, async (id) => {
        if (!(await insertUse({ _id: id, deliveryKey, ownerId, at: now() }))) return false; // spent: the next one
        taken = id;
        return true;
      });
      if (!taken) return null;
      // Which credit this delivery holds, for its retries (a crash just before this loses one credit, never sends twice).
      await insertUse({ _id: deliveryMark(deliveryKey), deliveryKey, ownerId, at: now(), creditId: taken });
      return { creditId: taken, platform, toUser };
    },

    recipient,
  };
}

export type SubscriptionsStore = ReturnType<typeof createSubscriptionsStore>;
