import { Schema, trusted, type Connection, type Model } from 'mongoose';
import { isDuplicateKeyError } from './mongo';

/** One limit: at most `max` units per fixed window of `windowMs`, windows aligned to China-time midnight. */
export type QuotaLimit = { name: string; windowMs: number; max: number };
/** `slots`: the units taken, which `giveBack` returns when what they counted did not happen after all. */
export type QuotaVerdict = { ok: true; slots: string[] } | { ok: false; limit: string; retryAfterMs: number };

export type Quota = {
  /** Takes one unit for `key` under every limit, or none at all (a refusal gives back what it took). */
  take(key: string, limits: readonly QuotaLimit[]): Promise<QuotaVerdict>;
  /** Gives back the units a `take` returned (e.g. an SMS the provider refused to send). */
  giveBack(slots: readonly string[]): Promise<void>;
  /** Removes the slots of windows that have ended; returns how many. */
  sweep(): Promise<number>;
};

/** One used unit: `_id` = `<key>|<limit>|<window start>|<slot>`; the unique insert is the count. */
type SlotDoc = { _id: string; expiresAt: Date };

const slotSchema = new Schema<SlotDoc>({ _id: String, expiresAt: { type: Date, required: true } }, { versionKey: false });

/** China has no daylight saving: its midnight is always 16:00 UTC. */
const CHINA_OFFSET_MS = 8 * 3_600_000;
const SLOT_DIGITS = 6;

/** The start (ms since the epoch) of the window of `windowMs` that `at` falls in, aligned to China-time midnight. */
export function windowStart(windowMs: number, at: number): number {
  return Math.floor((at + CHINA_OFFSET_MS) / windowMs) * windowMs - CHINA_OFFSET_MS;
}

function slotModel(c: Connection, collection: string): Model<SlotDoc> {
  const name = `QuotaSlot:${collection}`;
  return (c.models[name] as Model<SlotDoc> | undefined) ?? c.model<SlotDoc>(name, slotSchema, collection);
}

/**
 * Counting limits shared by every process on one database (login attempts, requests per parent, SMS per
 * recipient). FerretDB loses concurrent `$inc`s, so a window is counted in slots: each unit is one insert of
 * `<prefix>|<n>` with a unique `_id`, and two processes racing for slot n cannot both get it — the loser tries
 * n+1, and nobody gets a slot numbered `max` or above. Reading the count first (an `_id` range, which the
 * patched FerretDB answers from its `_id` index) makes the usual case one count and one insert; a process that
 * took the key's previous unit tries the next slot first, one insert.
 *
 * Keys end up in the database: callers pass blind indexes (FieldCrypto.blindIndex), never phones or addresses.
 */
export function createQuota(deps: { connection: Connection; collection: string; now?: () => Date }): Quota {
  const Slot = slotModel(deps.connection, deps.collection);
  const now = deps.now ?? (() => new Date());

  function windowOf(limit: QuotaLimit, at: number) {
    const start = windowStart(limit.windowMs, at);
    return { start, end: start + limit.windowMs };
  }

  const rangeOf = (prefix: string) => ({ _id: trusted({ $gte: `${prefix}|`, $lt: `${prefix}|~` }) });
  const slotId = (prefix: string, n: number) => `${prefix}|${String(n).padStart(SLOT_DIGITS, '0')}`;

  async function insert(id: string, expiresAt: Date): Promise<boolean> {
    try {
      await Slot.create({ _id: id, expiresAt });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /**
   * The slot after the last one this process took, per window: tried first, so a key's next unit is usually
   * one insert (no count). Only a hint: another process may hold that slot (the insert fails, the count
   * decides) and a gap left below it by a refusal is found by the count path once the window is full.
   */
  const nextSlot = new Map<string, number>();
  const took = (prefix: string, n: number) => {
    if (nextSlot.size >= 10_000) nextSlot.clear();
    nextSlot.set(prefix, n + 1);
    return slotId(prefix, n);
  };

  /** Takes the lowest free slot of one window, or returns null when all `max` are taken. */
  async function takeSlot(prefix: string, max: number, expiresAt: Date): Promise<string | null> {
    const hint = nextSlot.get(prefix);
    if (hint !== undefined && hint < max && (await insert(slotId(prefix, hint), expiresAt))) return took(prefix, hint);
    const used = await Slot.countDocuments(rangeOf(prefix));
    for (let n = used; n < max; n++) if (await insert(slotId(prefix, n), expiresAt)) return took(prefix, n);
    // A refusal gives its slot back, which can leave a gap below the count: look for one before saying no.
    if (used < max) for (let n = 0; n < used; n++) if (await insert(slotId(prefix, n), expiresAt)) return took(prefix, n);
    return null;
  }

  async function giveBack(slots: readonly string[]) {
    if (slots.length) await Slot.deleteMany({ _id: trusted({ $in: [...slots] }) });
  }

  return {
    async take(key, limits) {
      const at = now().getTime();
      const taken: string[] = [];
      for (const limit of limits) {
        const { start, end } = windowOf(limit, at);
        const slot = limit.max > 0 ? await takeSlot(`${key}|${limit.name}|${start}`, limit.max, new Date(end)) : null;
        if (!slot) {
          await giveBack(taken);
          return { ok: false, limit: limit.name, retryAfterMs: Math.max(1, end - at) };
        }
        taken.push(slot);
      }
      return { ok: true, slots: taken };
    },

    giveBack,

    async sweep() {
      return (await Slot.deleteMany({ expiresAt: trusted({ $lte: now() }) })).deletedCount;
    },
  };
}
