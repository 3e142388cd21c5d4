import { randomUUID } from 'node:crypto';
import { mongo, Schema, trusted, type Connection, type Model, type UpdateQuery } from 'mongoose';
import { AppError } from './errors';
import { ID_SET_MAX, coalescedFindById, idChunks, isDuplicateKeyError, leavingOut } from './mongo';

const { EJSON } = mongo.BSON;

/**
 * The one way a versioned document (an application) changes, correct on FerretDB 1.24 and on MongoDB.
 *
 * FerretDB applies a conditional update as an unisolated read-modify-write (two concurrent
 * `updateOne({ _id, version: v })` both "win"); only unique-index inserts are atomic. So:
 *
 * 1. **The claim log is the truth.** A change to version v+1 is committed by inserting the claim
 *    `<id>:<v+1>` (unique `_id`) that carries the update. Exactly one writer can commit v+1, and it
 *    decided on exactly state v (it read version v and nobody had claimed v+1). Its answer is the
 *    insert's outcome; an ambiguous insert error is settled by reading the claim's writer nonce.
 * 2. **The document is a materialisation of the log.** Every update sets `version` to v+1 and is
 *    deterministic, so applying claim v+1 to state v always yields the same state v+1. Whoever reads
 *    the document first applies the claims after its version, in order (`load`): the claim's own
 *    writer, a writer of the next version, a reader. A late, unisolated apply that lands after newer
 *    ones can only write back an exact earlier state; the next `load` re-applies the claims after it.
 *    Hence no committed change is lost or reverted, and decisions are always made on the latest state.
 * 3. **Bounded time.** A writer does not claim on a read older than `maxDecisionAgeMs` (it reads
 *    again), and claims are pruned only once applied and older than `pruneAfterMs`, far beyond that.
 *    So a stale writer always meets the claim it would overwrite. Claims are sealed (encrypted): they
 *    carry personal data.
 */
type ChangeDoc = {
  _id: string;
  entityId: string;
  version: number;
  writer: string;
  /** The sealed EJSON update; removed (redacted) when the document is deleted with its personal data. */
  update?: string;
  createdAt: Date;
};

const changeSchema = new Schema<ChangeDoc>(
  {
    _id: String,
    entityId: { type: String, required: true, index: true },
    version: { type: Number, required: true },
    writer: { type: String, required: true },
    update: String,
    createdAt: { type: Date, required: true, index: true },
  },
  { versionKey: false },
);

/** Seals and opens the claim payloads (AES-GCM from the field crypto). */
export type ClaimCodec = { seal(text: string): string; open(sealed: string): string };

/**
 * Test seams: each point a writer passes after committing. A hook that throws is a writer that died
 * there (its error propagates, as a crash would end the request); a hook that waits is a stalled writer.
 */
export type WriterHooks = {
  afterClaim?: (claimId: string) => Promise<void>;
  afterApply?: (claimId: string) => Promise<void>;
};

/** A document as `load` returned it (every claim applied), and when that read started (Date.now()). */
export type Loaded<T> = { doc: T; readAt: number };

/** What a writer decided on the current state: an update to commit (without `version`), or none. */
export type Decision<T, R> = { update?: UpdateQuery<T>; result: R };

export type ChangeOutcome<T, R> = { doc: T | null; result: R; changed: boolean };

export type VersionedOptions = {
  codec: ClaimCodec;
  hooks?: WriterHooks;
  /** A decision on a read older than this is not committed; the writer reads again. */
  maxDecisionAgeMs?: number;
  /** How often a writer that lost a race reads and decides again before answering 409. */
  attempts?: number;
};

const MAX_CATCH_UP = 1000;

export function createVersionedWriter<T extends { _id: string; version: number }>(
  connection: Connection,
  model: Model<T>,
  logName: string,
  options: VersionedOptions,
) {
  const Change =
    (connection.models[`${logName}Change`] as Model<ChangeDoc> | undefined) ??
    connection.model<ChangeDoc>(`${logName}Change`, changeSchema, logName);
  const { codec, hooks = {} } = options;
  const maxDecisionAgeMs = options.maxDecisionAgeMs ?? 60_000;
  const attempts = options.attempts ?? 12;

  const claimId = (id: string, version: number) => `${id}:${version}`;

  // The reads of `load`, the hottest of all (every progress, every writer's first step): through the driver's
  // collections (no mongoose casting or query building; `lean` would return the same plain documents), and
  // coalesced, so the documents and next claims that concurrent requests ask for in the same turn go to the
  // database as one `_id` set read each (libraries/mongo.ts).
  // One reader per set of fields left out (the code uses a handful).
  const readers = new Map<string, (id: string) => Promise<T | null>>();
  const documentReader = (leaveOut: readonly string[] | undefined) => {
    const key = leaveOut?.join(',') ?? '';
    let reader = readers.get(key);
    if (!reader) {
      reader = coalescedFindById<T>(model.collection as never, leavingOut(leaveOut));
      readers.set(key, reader);
    }
    return reader;
  };
  const readClaim = coalescedFindById<ChangeDoc>(Change.collection as never);

  /** Applies claim `version` to the document if it is still at `version - 1` (a no-op otherwise). */
  async function apply(claim: ChangeDoc & { update: string }): Promise<void> {
    const update = EJSON.parse(codec.open(claim.update)) as UpdateQuery<T>;
    await model.updateOne({ _id: claim.entityId, version: claim.version - 1 } as never, update as never);
  }

  /**
   * Reads the document and brings it up to date with the log: every claim after its version, in order.
   * `leaveOut`: fields a reader does not need (an exclusion projection: `version` is always read); the
   * document it returns is then partial, for reading only, never for deciding a change.
   */
  async function load(id: string, leaveOut?: readonly string[]): Promise<T | null> {
    const read = () => documentReader(leaveOut)(id);
    let doc = await read();
    for (let i = 0; doc && i < MAX_CATCH_UP; i++) {
      const claim = await readClaim(claimId(id, doc.version + 1));
      if (!claim?.update) return doc; // nothing pending (a redacted claim belongs to a deleted document)
      await apply(claim as ChangeDoc & { update: string });
      doc = await read();
    }
    return doc;
  }

  /**
   * `load` for many documents in two reads: the documents by one `_id` set, then their next claims by one
   * `_id` set (the patched FerretDB answers both from its `_id` index). The few with a claim waiting to be
   * applied are loaded one by one. Missing ids are left out; the order is the database's.
   */
  async function loadMany(ids: readonly string[]): Promise<T[]> {
    if (!ids.length) return [];
    if (ids.length > ID_SET_MAX) {
      const parts = await Promise.all(idChunks(ids).map(loadMany));
      return parts.flat();
    }
    const docs = await model.find({ _id: trusted({ $in: [...new Set(ids)] }) } as never).lean<T[]>();
    if (!docs.length) return [];
    const next = await Change.find(
      { _id: trusted({ $in: docs.map((d) => claimId(d._id, d.version + 1)) }) },
      {
        entityId: 1,
      },
    ).lean<Pick<ChangeDoc, 'entityId'>[]>();
    if (!next.length) return docs;
    const waiting = new Set(next.map((c) => c.entityId));
    const loaded: (T | null)[] = await Promise.all(docs.map((d) => (waiting.has(d._id) ? load(d._id) : Promise.resolve(d))));
    return loaded.filter((d): d is T => !!d);
  }

  /**
   * Commits `update` as version `version + 1`. True: committed (this writer's claim is in the log).
   * False: another writer committed that version first. Throws when the database cannot tell.
   */
  async function commit(id: string, version: number, update: UpdateQuery<T>): Promise<ChangeDoc | null> {
    const claim: ChangeDoc = {
      _id: claimId(id, version + 1),
      entityId: id,
      version: version + 1,
      writer: randomUUID(),
      update: codec.seal(EJSON.stringify(withVersion(update, version + 1), { relaxed: false })),
      createdAt: new Date(),
    };
    try {
      await Change.create(claim);
      return claim;
    } catch (err) {
      if (isDuplicateKeyError(err)) return null;
      // No answer from the insert (a timeout, a dropped connection): it may have been written anyway.
      // The writer nonce says whether the claim that is there is this writer's.
      const found = await Change.findById(claim._id, { writer: 1 }).lean<Pick<ChangeDoc, 'writer'>>();
      if (found?.writer === claim.writer) return claim;
      if (found) return null;
      throw err;
    }
  }

  const writer = {
    load,
    loadMany,

    /**
     * Read → decide → commit, retried while other writers get there first. `decide` sees the latest
     * state (or null when the document does not exist) and returns the update to make (never touching
     * `version`) with the caller's result; it may throw to refuse. Resolves with the state after the
     * change; rejects with 409 when the document stays too busy to change. `start`: the document as `load`
     * returned it moments ago (never a copy from elsewhere, such as an archive), decided on first.
     */
    async change<R>(
      id: string,
      decide: (doc: T | null) => Decision<T, R> | Promise<Decision<T, R>>,
      start?: Loaded<T>,
    ): Promise<ChangeOutcome<T, R>> {
      for (let attempt = 0; attempt < attempts; attempt++) {
        // A caller that has just loaded the document saves the first read: if anyone committed since, the
        // claim below is taken and the next attempt reads again, as after any lost race.
        const given = attempt === 0 && start?.doc._id === id ? start : undefined;
        const readAt = given ? given.readAt : Date.now();
        const doc = given ? given.doc : await load(id);
        const decision = await decide(doc);
        if (!decision.update) return { doc, result: decision.result, changed: false };
        if (!doc) throw new Error('versioned change: an update was decided for a document that does not exist');
        if (Date.now() - readAt <= maxDecisionAgeMs) {
          const claim = await commit(id, doc.version, decision.update);
          if (claim) {
            await hooks.afterClaim?.(claim._id);
            // Applying is everyone's job (load does it too): a failure here loses nothing.
            await apply(claim as ChangeDoc & { update: string }).catch(() => undefined);
            await hooks.afterApply?.(claim._id);
            return { doc: await load(id), result: decision.result, changed: true };
          }
        }
        await new Promise((r) => setTimeout(r, Math.random() * 10 * (attempt + 1)));
      }
      throw new AppError('CONFLICT', '该申请正在被同时修改，请稍后重试', { headers: { 'Retry-After': '1' } });
    },

    /** `change` with `start` first, for callers whose `decide` is best written last. */
    changeFrom<R>(
      id: string,
      start: Loaded<T> | undefined,
      decide: (doc: T | null) => Decision<T, R> | Promise<Decision<T, R>>,
    ): Promise<ChangeOutcome<T, R>> {
      return writer.change(id, decide, start);
    },

    /**
     * After a document is deleted with its personal data: its claims lose their payloads but keep their
     * ids until pruned, so a writer that read the document before the deletion cannot commit.
     */
    async redact(id: string): Promise<void> {
      await Change.updateMany({ entityId: id }, { $unset: { update: 1 } });
    },

    /** Prunes claims older than `before` once applied (each entity is brought up to date first). */
    async sweep(before: Date): Promise<number> {
      const old = await Change.find({ createdAt: trusted({ $lt: before }) }, { entityId: 1 })
        .limit(5000)
        .lean<{ entityId: string }[]>();
      let removed = 0;
      for (const entityId of new Set(old.map((c) => c.entityId))) {
        const doc = await load(entityId);
        const applied = doc ? { version: trusted({ $lte: doc.version }) } : {};
        removed += (await Change.deleteMany({ entityId, createdAt: trusted({ $lt: before }), ...applied })).deletedCount;
      }
      return removed;
    },

    /** Every claim of one document, oldest first (tests and the personal-data checks read it). */
    async claimsOf(id: string): Promise<ChangeDoc[]> {
      return Change.find({ entityId: id }).sort({ version: 1 }).lean<ChangeDoc[]>();
    },
  };
  return writer;
}

/** The update with `version` set to `next` (a `$set`, so applying it is deterministic and idempotent). */
function withVersion<T>(update: UpdateQuery<T>, next: number): UpdateQuery<T> {
  const { $inc, $set, ...rest } = update as Record<string, Record<string, unknown> | undefined>;
  const inc = { ...($inc ?? {}) };
  delete inc.version;
  return {
    ...rest,
    ...(Object.keys(inc).length ? { $inc: inc } : {}),
    $set: { ...($set ?? {}), version: next },
  } as UpdateQuery<T>;
}

export type VersionedWriter<T extends { _id: string; version: number }> = ReturnType<typeof createVersionedWriter<T>>;
