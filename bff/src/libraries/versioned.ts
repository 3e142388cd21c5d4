import { mongo, Schema, trusted, type Connection, type Model, type UpdateQuery } from 'mongoose';
import { isDuplicateKeyError } from './mongo';

const { EJSON } = mongo.BSON;

/**
 * Optimistic concurrency that holds on FerretDB too.
 *
 * FerretDB 1.24 applies a conditional update as an unisolated read-modify-write: two concurrent
 * `updateOne({ _id, version: v })` calls both "win", and concurrent `$inc`s lose updates (measured:
 * 20 concurrent $inc → 2). Its unique-index inserts are atomic. So a writer first claims the version it
 * wants to create by inserting `<id>:<v+1>` into a change log; only the winner of that insert applies
 * its update. The claim carries the update, so if its writer dies before applying it, the next writer
 * finds the stale claim and applies it on the dead writer's behalf (applying the same update twice is
 * harmless: it is conditional on version v). On MongoDB the same code is simply correct, one insert dearer.
 */
type ChangeDoc = { _id: string; entityId: string; filter: string; update: string; createdAt: Date };

const changeSchema = new Schema<ChangeDoc>(
  {
    _id: String,
    entityId: { type: String, required: true },
    filter: { type: String, required: true },
    update: { type: String, required: true },
    createdAt: { type: Date, required: true, index: true },
  },
  { versionKey: false },
);

/** How long a claim may stay unapplied before another writer applies it for its (dead) writer. */
const STALE_CLAIM_MS = 3000;

export function createVersionedWriter<T extends { _id: string; version: number }>(
  connection: Connection,
  model: Model<T>,
  logName: string,
) {
  const Change = connection.model<ChangeDoc>(`${logName}Change`, changeSchema, logName);

  async function apply(change: ChangeDoc): Promise<boolean> {
    const res = await model.updateOne(EJSON.parse(change.filter) as never, EJSON.parse(change.update) as never);
    return res.matchedCount === 1;
  }

  return {
    /**
     * Applies `update` (which must `$inc` version by 1) if the document is still at `version`.
     * Returns false when another writer got there first: re-read and decide again.
     */
    async updateIfVersion(
      id: string,
      version: number,
      update: UpdateQuery<T>,
      extraFilter: Record<string, unknown> = {},
    ): Promise<boolean> {
      const change: ChangeDoc = {
        _id: `${id}:${version + 1}`,
        entityId: id,
        filter: EJSON.stringify({ _id: id, version, ...extraFilter }),
        update: EJSON.stringify(update),
        createdAt: new Date(),
      };
      try {
        await Change.create(change);
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        await this.finishStalled(id, version);
        return false;
      }
      if (await apply(change)) return true;
      // The document moved on, or extraFilter no longer holds: withdraw the claim so others can proceed.
      await Change.deleteOne({ _id: change._id });
      return false;
    },

    /** Applies a claim whose writer stopped between claiming and applying (the document is still at `version`). */
    async finishStalled(id: string, version: number): Promise<void> {
      const claim = await Change.findById(`${id}:${version + 1}`).lean<ChangeDoc>();
      if (!claim || Date.now() - new Date(claim.createdAt).getTime() < STALE_CLAIM_MS) return;
      const current = await model.findById(id, { version: 1 }).lean<{ version: number }>();
      if (current?.version !== version) return;
      if (!(await apply(claim))) await Change.deleteOne({ _id: claim._id, createdAt: claim.createdAt });
    },

    /** Change records older than `before` (all applied by then) can go. */
    async sweep(before: Date): Promise<number> {
      return (await Change.deleteMany({ createdAt: trusted({ $lt: before }) })).deletedCount;
    },
  };
}
