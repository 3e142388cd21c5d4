import { trusted, type Connection } from 'mongoose';
import type { DepartmentCode, RatingCaseStatus } from '@birth/shared';
import { isDuplicateKeyError } from '../../libraries/mongo';
import type { FieldCrypto } from '../../libraries/crypto';
import { createVersionedWriter, type Decision, type VersionedOptions } from '../../libraries/versioned';
import type { ApplicationDoc } from '../applications/application.model';
import { applicationModel } from '../notifications/notification.model';
import { ratingCaseModel, ratingModel, type RatingCaseDoc, type RatingDoc } from './rating.model';

/** The most cases (or unfinished ratings) one read returns. */
export const CASE_LIST_LIMIT = 500;
const LIST_LIMIT = CASE_LIST_LIMIT;

export function createRatingsRepository(
  connection: Connection,
  crypto: FieldCrypto,
  /** Test seams of the case writer (a writer that dies or stalls after committing). */
  options: Pick<VersionedOptions, 'hooks'> = {},
) {
  const Rating = ratingModel(connection);
  const Case = ratingCaseModel(connection);
  const Application = applicationModel(connection);
  // Cases change through the same versioned writer as applications: the claim log is the truth.
  const versioned = createVersionedWriter<RatingCaseDoc>(connection, Case, 'rating_case_changes', {
    ...options,
    codec: {
      seal: (text) => crypto.seal(text, 'rating_case_changes'),
      open: (sealed) => crypto.open(sealed, 'rating_case_changes'),
    },
  });

  /** Loads each case through the writer, so a change whose writer died before applying it is seen. */
  const caught = async (ids: { _id: string }[]) =>
    (await Promise.all(ids.map((c) => versioned.load(c._id)))).filter((c): c is RatingCaseDoc => !!c);

  return {
    /** Inserts a rating; false when one with the same id exists (the stage was already rated). */
    async insertRating(doc: RatingDoc): Promise<boolean> {
      try {
        await Rating.create(doc);
        return true;
      } catch (err) {
        if (isDuplicateKeyError(err)) return false;
        throw err;
      }
    },

    findRating: (id: string) => Rating.findById(id).lean<RatingDoc>(),

    /** The rating's only later change, by its only writer: its effects are in place. */
    async markEffectsDone(id: string): Promise<void> {
      await Rating.updateOne({ _id: id }, { $set: { effectsDone: true } });
    },

    listRatingsOfApplication: (applicationId: string) =>
      Rating.find({ applicationId }).sort({ createdAt: 1 }).lean<RatingDoc[]>(),

    /** Ratings concerning one department, newest first, before `before` (for paging). */
    listRatingsOfDepartment: (department: DepartmentCode, before: Date | undefined, limit: number) =>
      Rating.find({ departments: department, ...(before ? { createdAt: trusted({ $lt: before }) } : {}) })
        .sort({ createdAt: -1, _id: 1 })
        .limit(limit)
        .lean<RatingDoc[]>(),

    /** Calls `each` with every stage rating created in [from, to), read through a cursor. */
    async eachStageRatingBetween(from: Date, to: Date, each: (r: RatingDoc) => void): Promise<void> {
      for await (const r of Rating.find({ kind: 'stage', createdAt: trusted({ $gte: from, $lt: to }) })
        .lean<RatingDoc>()
        .cursor())
        each(r as RatingDoc);
    },

    /** Stage ratings of these applications, whenever given. */
    listStageRatingsOf: (applicationIds: string[]) =>
      applicationIds.length
        ? Rating.find({ kind: 'stage', applicationId: trusted({ $in: applicationIds }) }).lean<RatingDoc[]>()
        : Promise.resolve([] as RatingDoc[]),

    /** Ratings whose effects a crashed writer left unfinished. */
    listUnfinished: (before: Date) =>
      Rating.find({ effectsDone: false, createdAt: trusted({ $lt: before }) })
        .limit(LIST_LIMIT)
        .lean<RatingDoc[]>(),

    /** Inserts a case unless it exists (a retry of the same opening). */
    async insertCase(doc: RatingCaseDoc): Promise<void> {
      try {
        await Case.create(doc);
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
    },

    /** The case as of its latest committed change. */
    findCase: (id: string) => versioned.load(id),

    /** A rating's cases (at most one per department), each as of its latest committed change. */
    listCasesOfRating: async (ratingId: string) => caught(await Case.find({ ratingId }, { _id: 1 }).lean<{ _id: string }[]>()),
    listCasesOfRatings: (ratingIds: string[]) =>
      ratingIds.length ? Case.find({ ratingId: trusted({ $in: ratingIds }) }).lean<RatingCaseDoc[]>() : Promise.resolve([]),
    /** An application's cases (a handful), each as of its latest committed change. */
    listCasesOfApplication: async (applicationId: string) =>
      caught(await Case.find({ applicationId }, { _id: 1 }).lean<{ _id: string }[]>()),

    listCases(filter: {
      department?: DepartmentCode;
      statuses?: readonly RatingCaseStatus[];
      openedFrom?: Date;
      openedTo?: Date;
      /** Only cases past a deadline they have not met at `overdueAt` (call-back or feedback). */
      overdueAt?: Date;
    }) {
      const q: Record<string, unknown> = {};
      if (filter.department) q.department = filter.department;
      if (filter.statuses) q.status = trusted({ $in: [...filter.statuses] });
      if (filter.overdueAt)
        q.$or = [
          { status: 'awaiting_callback', callbackDueAt: trusted({ $lt: filter.overdueAt }) },
          { status: trusted({ $in: ['awaiting_callback', 'rectifying'] }), feedbackDueAt: trusted({ $lt: filter.overdueAt }) },
        ];
      if (filter.openedFrom || filter.openedTo)
        q.openedAt = trusted({
          ...(filter.openedFrom ? { $gte: filter.openedFrom } : {}),
          ...(filter.openedTo ? { $lt: filter.openedTo } : {}),
        });
      return Case.find(q).sort({ openedAt: -1, _id: 1 }).limit(LIST_LIMIT).lean<RatingCaseDoc[]>();
    },

    listCasesWithPendingNotices: (before: Date) =>
      Case.find({ noticesPending: true, updatedAt: trusted({ $lt: before }) })
        .limit(LIST_LIMIT)
        .lean<RatingCaseDoc[]>(),

    /** The one way a case changes (see RatingCaseDoc): read the latest state, decide, commit; retried on lost races. */
    changeCase: <R>(id: string, decide: (c: RatingCaseDoc | null) => Decision<RatingCaseDoc, R>) =>
      versioned.change<R>(id, decide),

    sweepCaseChanges: (before: Date) => versioned.sweep(before),

    /** Cases opened in [from, to) whose appeal was upheld (their ratings leave that department's statistics). */
    listUpheldCasesOpenedBetween: (from: Date, to: Date) =>
      Case.find({ status: 'appeal_upheld', openedAt: trusted({ $gte: from, $lt: to }) }, { ratingId: 1, department: 1 }).lean<
        Pick<RatingCaseDoc, '_id' | 'ratingId' | 'department'>[]
      >(),

    /** Calls `each` with every case opened in [from, to), read through a cursor. */
    async eachCaseOpenedBetween(from: Date, to: Date, each: (c: RatingCaseDoc) => void): Promise<void> {
      for await (const c of Case.find({ openedAt: trusted({ $gte: from, $lt: to }) })
        .lean<RatingCaseDoc>()
        .cursor())
        each(c as RatingCaseDoc);
    },

    /**
     * Applications whose rating invitation may have fallen in [from, to): accepted (first 受理) then, or
     * changed since `from` while completed (whether every item finished in the period is checked in code).
     * Read-only, through a cursor, `batchSize` at a time, so a month at peak volume is never all in memory.
     */
    async eachInvitedApplicationBatch(
      from: Date,
      to: Date,
      batchSize: number,
      each: (apps: Pick<ApplicationDoc, '_id' | 'status' | 'acceptedAt' | 'items'>[]) => Promise<void>,
    ): Promise<void> {
      type Invited = Pick<ApplicationDoc, '_id' | 'status' | 'acceptedAt' | 'items'>;
      const filter = {
        $or: [{ acceptedAt: { $gte: from, $lt: to } }, { status: 'completed', updatedAt: { $gte: from } }],
      };
      const projection = { _id: 1, status: 1, acceptedAt: 1, items: 1 };
      let batch: Invited[] = [];
      // Live applications, then the archive (finished ones move there after ARCHIVE_AFTER_DAYS), read with the
      // driver: this filter is ours, not a client's, and both collections hold the same documents. An
      // application caught mid-move may be counted twice; that window is one replace and one delete.
      for (const name of [Application.collection.collectionName, 'applications_archive']) {
        const cursor = connection.collection(name).find(filter as never, { projection, batchSize });
        for await (const app of cursor) {
          batch.push(app as unknown as Invited);
          if (batch.length >= batchSize) {
            await each(batch);
            batch = [];
          }
        }
      }
      if (batch.length) await each(batch);
    },
  };
}

export type RatingsRepository = ReturnType<typeof createRatingsRepository>;
