import { randomUUID } from 'node:crypto';
import { trusted, type Connection, type Model, type UpdateQuery } from 'mongoose';
import { DEPARTMENT_CODES, isFinal, itemsForDepartment, type DepartmentCode, type ItemState } from '@birth/shared';
import { isDuplicateKeyError } from '../../libraries/mongo';
import { createVersionedWriter } from '../../libraries/versioned';
import {
  applicationSchema,
  archivedApplicationSchema,
  auditSchema,
  newbornClaimSchema,
  outboxDueSchema,
  ownerSlotSchema,
  taskQueueSchema,
  type ApplicationDoc,
  type AuditDoc,
  type NewbornClaimDoc,
  type OutboxDueDoc,
  type OwnerSlotDoc,
  type TaskQueueDoc,
} from './application.model';

/**
 * How old a queue mark must be before a reader that finds nothing to do may remove it. A writer marks
 * first and changes the application after; this margin covers a writer slow in between.
 */
export const QUEUE_MARK_MARGIN_MS = 60_000;
/** The department queue holds an application while any of the department's items is dispatched or beyond. */
const QUEUED_STATES: readonly ItemState[] = ['dispatched', 'accepted', 'rejected', 'completed', 'shipped', 'ready_for_pickup'];
const MAX_OWNER_SLOTS = 1000;

const modelOf = <T>(connection: Connection, name: string, schema: never, collection: string): Model<T> =>
  (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema, collection);

/**
 * A parent's applications (live or archived) through their owner slots: `_id` look-ups only, so a parent's
 * list costs the same however many applications the province has. Other components (notices) use it too.
 */
export async function findOwnerApplications(connection: Connection, ownerId: string): Promise<ApplicationDoc[]> {
  const Application = modelOf<ApplicationDoc>(connection, 'Application', applicationSchema as never, 'applications');
  const Archive = modelOf<ApplicationDoc>(
    connection,
    'ArchivedApplication',
    archivedApplicationSchema as never,
    'applications_archive',
  );
  const OwnerSlot = modelOf<OwnerSlotDoc>(connection, 'ApplicationOwnerSlot', ownerSlotSchema as never, 'application_owners');
  const docs: ApplicationDoc[] = [];
  for (let n = 0; n < MAX_OWNER_SLOTS; n++) {
    const slot = await OwnerSlot.findById(`${ownerId}:${n}`).lean<OwnerSlotDoc>();
    if (!slot) break;
    const doc =
      (await Application.findById(slot.applicationId).lean<ApplicationDoc>()) ??
      (await Archive.findById(slot.applicationId).lean<ApplicationDoc>());
    if (doc && doc.ownerId === ownerId) docs.push(doc);
  }
  return docs;
}

export function createApplicationsRepository(connection: Connection) {
  const Application = modelOf<ApplicationDoc>(connection, 'Application', applicationSchema as never, 'applications');
  const Claim = connection.model<NewbornClaimDoc>('NewbornClaim', newbornClaimSchema, 'newborn_claims');
  const Audit = connection.model<AuditDoc>('Audit', auditSchema, 'audit_log');
  const versioned = createVersionedWriter<ApplicationDoc>(connection, Application, 'application_changes');
  // Finished applications move here (sweeper): no hot path reads it; owners and operators still can.
  const Archive = modelOf<ApplicationDoc>(
    connection,
    'ArchivedApplication',
    archivedApplicationSchema as never,
    'applications_archive',
  );
  const OwnerSlot = modelOf<OwnerSlotDoc>(connection, 'ApplicationOwnerSlot', ownerSlotSchema as never, 'application_owners');
  const OutboxDue = modelOf<OutboxDueDoc>(connection, 'OutboxDue', outboxDueSchema as never, 'outbox_due');
  const queues = Object.fromEntries(
    DEPARTMENT_CODES.map((code) => [
      code,
      modelOf<TaskQueueDoc>(connection, `TaskQueue_${code}`, taskQueueSchema as never, `task_queue_${code}`),
    ]),
  ) as Record<DepartmentCode, Model<TaskQueueDoc>>;

  const findHot = (id: string) => Application.findById(id).lean<ApplicationDoc>();
  /** Hot first, then the archive: for reads by the owner or an operator, never for writers. */
  const findAnywhere = async (id: string) => (await findHot(id)) ?? Archive.findById(id).lean<ApplicationDoc>();

  /** Gives the application the owner's next free slot; a unique insert, so concurrent drafts never lose one. */
  async function claimOwnerSlot(ownerId: string, applicationId: string, now: Date): Promise<void> {
    for (let n = 0; n < MAX_OWNER_SLOTS; n++) {
      try {
        await OwnerSlot.create({ _id: `${ownerId}:${n}`, applicationId, createdAt: now });
        return;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
    throw new Error('owner has too many applications');
  }

  /** True when the department has nothing left on this application: drop its queue mark (if old enough). */
  const departmentDone = (doc: ApplicationDoc | null, department: DepartmentCode) =>
    !doc ||
    doc.status === 'draft' ||
    doc.status === 'withdrawn' ||
    itemsForDepartment(department).every((k) => {
      const item = doc.items[k];
      return !item || item.state === 'waiting' || isFinal(k, item.state);
    });

  /** States the queue does not hold (delivered): a scan of the live applications, for the rare query that asks. */
  async function scanTasks(
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
  }

  return {
    /** Inserts a new application; its owner slot first, so it is listed as soon as it exists. */
    async insert(doc: ApplicationDoc): Promise<void> {
      await claimOwnerSlot(doc.ownerId, doc._id, doc.createdAt);
      await Application.create(doc);
    },

    /** The live application (an `_id` look-up); archived ones are not returned, so writers never see them. */
    async findById(id: string): Promise<ApplicationDoc | null> {
      return findHot(id);
    },

    /**
     * An `_id` look-up, then the ownership check here: another parent's application is "not found",
     * never "forbidden", so ids do not leak. Archived applications stay readable by their owner.
     */
    async findOwned(id: string, ownerId: string): Promise<ApplicationDoc | null> {
      const doc = await findAnywhere(id);
      return doc && doc.ownerId === ownerId ? doc : null;
    },

    /** Operators: any application, live or archived. */
    findAnywhere,

    /** The owner's applications through their slots (`_id` look-ups), newest first, withdrawn ones left out. */
    async listByOwner(ownerId: string): Promise<ApplicationDoc[]> {
      return (await findOwnerApplications(connection, ownerId))
        .filter((doc) => doc.status !== 'withdrawn')
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .slice(0, 100);
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

    /**
     * Puts the application in the relay's queue (`outbox_due`), due at `dueAt` or earlier. Call it BEFORE
     * the versioned change that adds outbox entries: the mark cannot be written atomically with the
     * application, so it must exist first; the relay removes it only once nothing is pending and the mark
     * is older than QUEUE_MARK_MARGIN_MS.
     */
    async markOutboxDue(appId: string, dueAt: Date): Promise<void> {
      await OutboxDue.updateOne({ _id: appId }, { $min: { dueAt }, $set: { markedAt: new Date() } }, { upsert: true });
    },

    /** Ids of applications with outbox entries due by `now`, soonest first: the small queue, not the applications. */
    async findOutboxDue(now: Date, limit: number): Promise<string[]> {
      const due = await OutboxDue.find({ dueAt: trusted({ $lte: now }) }, { _id: 1 })
        .sort({ dueAt: 1 })
        .limit(limit)
        .lean<{ _id: string }[]>();
      return due.map((d) => d._id);
    },

    /**
     * After the relay worked on an application (under its lease): re-reads it and either moves its mark to
     * the next pending entry or, with nothing pending and the mark older than the margin, removes it. Both
     * are conditional on the mark being the one read, so a writer's fresh mark is not undone.
     */
    async settleOutboxDue(appId: string): Promise<void> {
      const mark = await OutboxDue.findById(appId).lean<OutboxDueDoc>();
      if (!mark) return;
      const doc = await findHot(appId);
      const pending = (doc?.outbox ?? []).filter((e) => e.state === 'pending').map((e) => new Date(e.nextAt).getTime());
      const same = { _id: appId, markedAt: mark.markedAt };
      if (pending.length) {
        const next = new Date(Math.min(...pending));
        if (next.getTime() !== new Date(mark.dueAt).getTime()) await OutboxDue.updateOne(same, { $set: { dueAt: next } });
      } else if (Date.now() - new Date(mark.markedAt).getTime() >= QUEUE_MARK_MARGIN_MS) {
        await OutboxDue.deleteOne(same);
      } else {
        // Too fresh to remove (its writer may not have applied its change yet): look again after the margin,
        // out of the way of what is due now.
        const recheck = new Date(new Date(mark.markedAt).getTime() + QUEUE_MARK_MARGIN_MS);
        await OutboxDue.updateOne(same, { $set: { dueAt: recheck } });
      }
    },

    /**
     * Safety net for the sweeper: applications with pending entries (`outboxDue` set) but no mark — a mark
     * removed by a race in FerretDB's unisolated delete — are marked again. A scan, off every hot path.
     */
    async remarkOutboxDue(): Promise<number> {
      const due = await Application.find({ outboxDue: trusted({ $ne: null }) }, { _id: 1, outboxDue: 1 }).lean<
        { _id: string; outboxDue: Date }[]
      >();
      let marked = 0;
      for (const d of due) {
        if (await OutboxDue.findById(d._id).lean()) continue;
        await this.markOutboxDue(d._id, d.outboxDue);
        marked++;
      }
      return marked;
    },

    /**
     * Puts the application in these departments' work queues. Call it BEFORE the versioned change that
     * dispatches their items (same reasoning as markOutboxDue); the queue reader removes a mark once the
     * department has nothing left on the application and the mark is older than the margin.
     */
    async markTaskQueues(appId: string, departments: Iterable<DepartmentCode>, submittedAt: Date): Promise<void> {
      const markedAt = new Date();
      for (const department of new Set(departments))
        await queues[department].updateOne({ _id: appId }, { $set: { submittedAt, markedAt } }, { upsert: true });
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
     * queue), after the cursor (the last page's final submittedAt and id). Reads the department's queue
     * (one small document per application it still has work on), then each application by `_id`; marks of
     * applications the department is done with are removed on the way.
     */
    async findTasks(
      department: DepartmentCode,
      states: readonly ItemState[],
      after: { submittedAt: Date; id: string } | undefined,
      limit: number,
    ): Promise<ApplicationDoc[]> {
      if (!states.every((s) => QUEUED_STATES.includes(s))) return scanTasks(department, states, after, limit);
      const Queue = queues[department];
      const marks = (await Queue.find({}).lean<TaskQueueDoc[]>())
        .filter(
          (m) =>
            !after ||
            m.submittedAt.getTime() > after.submittedAt.getTime() ||
            (m.submittedAt.getTime() === after.submittedAt.getTime() && m._id > after.id),
        )
        .sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
      const keys = itemsForDepartment(department);
      const docs: ApplicationDoc[] = [];
      // In order, a few look-ups at a time: only as many as the page still needs.
      for (let at = 0; at < marks.length && docs.length < limit;) {
        const chunk = marks.slice(at, at + Math.min(10, limit - docs.length));
        at += chunk.length;
        const found = await Promise.all(chunk.map((mark) => findHot(mark._id)));
        for (const [i, doc] of found.entries()) {
          if (departmentDone(doc, department)) {
            const mark = chunk[i];
            if (Date.now() - new Date(mark.markedAt).getTime() >= QUEUE_MARK_MARGIN_MS)
              await Queue.deleteOne({ _id: mark._id, markedAt: mark.markedAt });
            continue;
          }
          if (doc!.submittedAt && keys.some((k) => doc!.items[k] && states.includes(doc!.items[k]!.state))) docs.push(doc!);
        }
      }
      return docs.slice(0, limit);
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

    /**
     * Moves finished applications (every item final, nothing pending in the outbox, untouched since
     * `before`) to the archive, so the live collection holds what is in flight. The next version is
     * claimed first, so no writer changes an application while it moves; a move cut short is finished by
     * the next run (the archive insert is idempotent). The finding is a scan, off every hot path.
     */
    async archiveFinished(before: Date, limit: number): Promise<number> {
      const candidates = await Application.find({ status: 'completed', updatedAt: trusted({ $lt: before }) })
        .limit(limit)
        .lean<ApplicationDoc[]>();
      let moved = 0;
      for (const doc of candidates) {
        const finished = Object.entries(doc.items).every(([k, item]) => !item || isFinal(k as never, item.state));
        if (!finished || doc.outbox.some((e) => e.state === 'pending')) continue;
        let copy = doc;
        if (!doc.archivedAt) {
          const archivedAt = new Date();
          const claimed = await versioned.updateIfVersion(
            doc._id,
            doc.version,
            { $set: { archivedAt }, $inc: { version: 1 } },
            { status: 'completed' },
          );
          if (!claimed) continue; // changed meanwhile: looked at again next time
          copy = { ...doc, version: doc.version + 1, archivedAt };
        }
        try {
          await Archive.create(copy);
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
        }
        await Application.deleteOne({ _id: doc._id, version: copy.version });
        moved++;
      }
      return moved;
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
