import { randomUUID } from 'node:crypto';
import { trusted, type Connection, type UpdateQuery } from 'mongoose';
import { itemsForDepartment, type DepartmentCode, type ItemState } from '@birth/shared';
import { isDuplicateKeyError } from '../../libraries/mongo';
import { createVersionedWriter } from '../../libraries/versioned';
import {
  applicationSchema,
  auditSchema,
  newbornClaimSchema,
  type ApplicationDoc,
  type AuditDoc,
  type NewbornClaimDoc,
} from './application.model';

export function createApplicationsRepository(connection: Connection) {
  const Application = connection.model<ApplicationDoc>('Application', applicationSchema, 'applications');
  const Claim = connection.model<NewbornClaimDoc>('NewbornClaim', newbornClaimSchema, 'newborn_claims');
  const Audit = connection.model<AuditDoc>('Audit', auditSchema, 'audit_log');
  const versioned = createVersionedWriter<ApplicationDoc>(connection, Application, 'application_changes');

  return {
    async insert(doc: ApplicationDoc): Promise<void> {
      await Application.create(doc);
    },

    async findById(id: string): Promise<ApplicationDoc | null> {
      return Application.findById(id).lean<ApplicationDoc>();
    },

    /** Another parent's application is "not found", never "forbidden": ids must not leak. */
    async findOwned(id: string, ownerId: string): Promise<ApplicationDoc | null> {
      return Application.findOne({ _id: id, ownerId }).lean<ApplicationDoc>();
    },

    async listByOwner(ownerId: string): Promise<ApplicationDoc[]> {
      return Application.find({ ownerId, status: trusted({ $ne: 'withdrawn' }) })
        .sort({ createdAt: -1 })
        .limit(100)
        .lean<ApplicationDoc[]>();
    },

    /**
     * The one way an application changes: a conditional update on its version (optimistic concurrency).
     * Returns false when someone else changed it first; the caller re-reads and decides again.
     */
    updateIfVersion(
      id: string,
      version: number,
      update: UpdateQuery<ApplicationDoc>,
      extraFilter: Record<string, unknown> = {},
    ): Promise<boolean> {
      return versioned.updateIfVersion(id, version, update, extraFilter);
    },

    sweepChanges: (before: Date) => versioned.sweep(before),

    /** Ids of applications with outbox entries due by `now`, soonest first (for the relay). */
    async findOutboxDue(now: Date, limit: number): Promise<string[]> {
      const due = await Application.find({ outboxDue: trusted({ $lte: now }) }, { _id: 1 })
        .sort({ outboxDue: 1 })
        .limit(limit)
        .lean<{ _id: string }[]>();
      return due.map((d) => d._id);
    },

    /** Deletes a draft; the version is claimed first so a concurrent edit or submit cannot interleave. */
    async deleteIfVersion(id: string, ownerId: string, version: number): Promise<boolean> {
      const claimed = await versioned.updateIfVersion(
        id,
        version,
        { $inc: { version: 1 }, $set: { status: 'withdrawn' } },
        { ownerId, status: 'draft' },
      );
      if (!claimed) return false;
      await Application.deleteOne({ _id: id, ownerId });
      return true;
    },

    /** Claims the newborn for this application; returns the application that holds the claim. */
    async claimNewborn(newbornKey: string, applicationId: string, now: Date): Promise<string> {
      try {
        await Claim.create({ _id: newbornKey, applicationId, createdAt: now });
        return applicationId;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        const existing = await Claim.findById(newbornKey).lean<NewbornClaimDoc>();
        return existing?.applicationId ?? applicationId;
      }
    },

    async releaseNewborn(newbornKey: string, applicationId: string): Promise<void> {
      await Claim.deleteOne({ _id: newbornKey, applicationId });
    },

    /**
     * Applications with an item of this department in one of `states`, oldest submission first (a work
     * queue), after the cursor (the last page's final submittedAt and id).
     */
    async findTasks(
      department: DepartmentCode,
      states: readonly ItemState[],
      after: { submittedAt: Date; id: string } | undefined,
      limit: number,
    ): Promise<ApplicationDoc[]> {
      const inStates = itemsForDepartment(department).map((k) => ({ [`items.${k}.state`]: trusted({ $in: [...states] }) }));
      const and: Record<string, unknown>[] = [{ $or: inStates }];
      if (after) {
        and.push({
          $or: [
            { submittedAt: trusted({ $gt: after.submittedAt }) },
            { submittedAt: after.submittedAt, _id: trusted({ $gt: after.id }) },
          ],
        });
      }
      return Application.find({ status: trusted({ $nin: ['draft', 'withdrawn'] }), $and: and })
        .sort({ submittedAt: 1, _id: 1 })
        .limit(limit)
        .lean<ApplicationDoc[]>();
    },

    /** Items still with a department (dispatched or accepted) whose deadline is before `before`. */
    async findDueItems(before: Date): Promise<ApplicationDoc[]> {
      const or = itemsForAll().map((k) => ({
        [`items.${k}.state`]: trusted({ $in: ['dispatched', 'accepted'] }),
        [`items.${k}.dueAt`]: trusted({ $lt: before }),
      }));
      return Application.find({ status: trusted({ $nin: ['draft', 'withdrawn'] }), $or: or })
        .limit(5000)
        .lean<ApplicationDoc[]>();
    },

    async audit(...entries: Omit<AuditDoc, '_id'>[]): Promise<void> {
      if (entries.length) await Audit.insertMany(entries.map((entry) => ({ _id: randomUUID(), ...entry })));
    },

    async listAudit(applicationId: string): Promise<AuditDoc[]> {
      return Audit.find({ applicationId }).sort({ at: 1 }).lean<AuditDoc[]>();
    },

    /** Sweeper: drafts untouched since `before` are removed with everything in them. */
    async deleteStaleDrafts(before: Date): Promise<number> {
      return (await Application.deleteMany({ status: 'draft', updatedAt: trusted({ $lt: before }) })).deletedCount;
    },
  };
}

const itemsForAll = () =>
  (['hospital', 'police', 'medical_insurance', 'social_security'] as DepartmentCode[]).flatMap(itemsForDepartment);

export type ApplicationsRepository = ReturnType<typeof createApplicationsRepository>;
