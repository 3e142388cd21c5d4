import { randomUUID } from 'node:crypto';
import { trusted, type Connection } from 'mongoose';
import { itemsForDepartment, type DepartmentCode, type ItemState } from '@birth/shared';
import { isDuplicateKeyError } from '../../libraries/mongo';
import type { FieldCrypto } from '../../libraries/crypto';
import { createVersionedWriter, type Decision, type VersionedOptions } from '../../libraries/versioned';
import {
  applicationSchema,
  auditSchema,
  newbornClaimSchema,
  type ApplicationDoc,
  type AuditDoc,
  type NewbornClaimDoc,
  type OutboxEntry,
} from './application.model';

export type ApplicationChange<R> = Decision<ApplicationDoc, R> & {
  /** Notices to deliver because of this change, appended to the outbox in the same commit. */
  notices?: OutboxEntry[];
};

/** How long a draft may hold a newborn claim without submitting before another application may free it. */
export const NEWBORN_CLAIM_LEASE_MS = 60_000;

export function createApplicationsRepository(
  connection: Connection,
  crypto: FieldCrypto,
  options: Pick<VersionedOptions, 'hooks' | 'maxDecisionAgeMs'> = {},
) {
  const Application = connection.model<ApplicationDoc>('Application', applicationSchema, 'applications');
  const Claim = connection.model<NewbornClaimDoc>('NewbornClaim', newbornClaimSchema, 'newborn_claims');
  const Audit = connection.model<AuditDoc>('Audit', auditSchema, 'audit_log');
  const versioned = createVersionedWriter<ApplicationDoc>(connection, Application, 'application_changes', {
    ...options,
    codec: {
      seal: (text) => crypto.seal(text, 'application_changes'),
      open: (sealed) => crypto.open(sealed, 'application_changes'),
    },
  });

  return {
    async insert(doc: ApplicationDoc): Promise<void> {
      await Application.create(doc);
    },

    /** The application as of its latest committed change (pending claims applied first). */
    findById: (id: string): Promise<ApplicationDoc | null> => versioned.load(id),

    /** Another parent's application is "not found", never "forbidden": ids must not leak. */
    async findOwned(id: string, ownerId: string): Promise<ApplicationDoc | null> {
      const doc = await versioned.load(id);
      return doc && doc.ownerId === ownerId ? doc : null;
    },

    async listByOwner(ownerId: string): Promise<ApplicationDoc[]> {
      return Application.find({ ownerId, status: trusted({ $ne: 'withdrawn' }) })
        .sort({ createdAt: -1 })
        .limit(100)
        .lean<ApplicationDoc[]>();
    },

    /**
     * The one way an application changes, for parents, departments and the relay alike: read the
     * latest state, decide, commit one versioned update that also appends the change's notices to
     * the outbox (see libraries/versioned.ts for why this holds on FerretDB). Retries lost races by
     * deciding again on the new state.
     */
    change<R>(id: string, decide: (doc: ApplicationDoc | null) => ApplicationChange<R> | Promise<ApplicationChange<R>>) {
      return versioned.change<R>(id, async (doc) => {
        const decision = await decide(doc);
        if (!decision.update || !decision.notices?.length) return decision;
        const update = decision.update as Record<string, Record<string, unknown>>;
        const due = decision.notices.reduce((min, n) => (n.nextAt < min ? n.nextAt : min), decision.notices[0].nextAt);
        const current = doc?.outboxDue ? new Date(doc.outboxDue) : null;
        return {
          result: decision.result,
          update: {
            ...update,
            $set: { ...update.$set, outboxDue: current && current < due ? current : due },
            $push: { ...update.$push, outbox: { $each: decision.notices } },
          },
        };
      });
    },

    sweepChanges: (before: Date) => versioned.sweep(before),
    claimsOf: (id: string) => versioned.claimsOf(id),

    /** Ids of applications with outbox entries due by `now`, soonest first (for the relay). */
    async findOutboxDue(now: Date, limit: number): Promise<string[]> {
      const due = await Application.find({ outboxDue: trusted({ $lte: now }) }, { _id: 1 })
        .sort({ outboxDue: 1 })
        .limit(limit)
        .lean<{ _id: string }[]>();
      return due.map((d) => d._id);
    },

    /**
     * Removes a withdrawn draft with its personal data: the document, and the payloads of its version
     * claims (their ids stay until pruned, so a writer that read the draft earlier cannot commit).
     */
    async deleteWithdrawnDraft(id: string): Promise<void> {
      await Application.deleteOne({ _id: id, status: 'withdrawn', draftRemoved: true });
      await versioned.redact(id);
    },

    /** Ids of drafts untouched since `before`, and of withdrawn drafts whose removal was cut short. */
    async findDraftsToRemove(before: Date, limit = 500): Promise<{ stale: string[]; withdrawn: string[] }> {
      const [stale, withdrawn] = await Promise.all([
        Application.find({ status: 'draft', updatedAt: trusted({ $lt: before }) }, { _id: 1 })
          .limit(limit)
          .lean<{ _id: string }[]>(),
        Application.find({ status: 'withdrawn', draftRemoved: true }, { _id: 1 }).limit(limit).lean<{ _id: string }[]>(),
      ]);
      return { stale: stale.map((d) => d._id), withdrawn: withdrawn.map((d) => d._id) };
    },

    /**
     * The newest claim on a newborn (generation 0, 1, …): a claim is never changed or deleted; a claim
     * whose holder gave it up is superseded by inserting the next generation (a unique insert).
     */
    async newestNewbornClaim(newbornKey: string): Promise<{ current: NewbornClaimDoc | null; nextGen: number }> {
      let current: NewbornClaimDoc | null = null;
      for (let gen = 0; ; gen++) {
        const claim = await Claim.findById(`${newbornKey}:${gen}`).lean<NewbornClaimDoc>();
        if (!claim) return { current, nextGen: gen };
        current = claim;
      }
    },

    /** Inserts a claim generation; false when another application inserted it first. */
    async insertNewbornClaim(newbornKey: string, gen: number, applicationId: string, now: Date): Promise<string | null> {
      const _id = `${newbornKey}:${gen}`;
      try {
        await Claim.create({ _id, newbornKey, gen, applicationId, createdAt: now });
        return _id;
      } catch (err) {
        if (isDuplicateKeyError(err)) return null;
        throw err;
      }
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
  };
}

const itemsForAll = () =>
  (['hospital', 'police', 'medical_insurance', 'social_security'] as DepartmentCode[]).flatMap(itemsForDepartment);

export type ApplicationsRepository = ReturnType<typeof createApplicationsRepository>;
