import { randomUUID } from 'node:crypto';
import { trusted, type Connection, type Model } from 'mongoose';
import { DEPARTMENT_CODES, isFinal, itemsForDepartment, type DepartmentCode, type ItemState } from '@birth/shared';
import { isDuplicateKeyError, leavingOut } from '../../libraries/mongo';
import type { FieldCrypto } from '../../libraries/crypto';
import { createVersionedWriter, type Decision, type Loaded, type VersionedOptions } from '../../libraries/versioned';
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
  type OutboxEntry,
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

/*
 * Queue marks are keyed by time, so a page or a relay round is one `_id` range read in key order with a
 * limit, which the patched FerretDB answers from its `_id` index (scripts/patches/ferretdb-sqlite-id-range.patch)
 * and MongoDB from its own: the cost follows the page, not the number of marks or applications. Keys use
 * only characters the range patch orders exactly (ISO times, UUIDs, ':', '|').
 */
const TASK_KEYS = { from: 'q:', to: 'q;' } as const;
const DUE_KEYS = { from: 'd:', to: 'd;' } as const;
/** A department queue mark: `q:<submittedAt ISO>|<applicationId>`, the order the queue promises (submission, then id). */
export const taskQueueKey = (submittedAt: Date, applicationId: string) =>
  `${TASK_KEYS.from}${submittedAt.toISOString()}|${applicationId}`;
/** A due-queue mark: `d:<dueAt ISO>|<applicationId>`; an application may hold several (each is settled alone). */
export const outboxDueKey = (dueAt: Date, applicationId: string) => `${DUE_KEYS.from}${dueAt.toISOString()}|${applicationId}`;
const applicationOfMark = (key: string) => key.slice(key.indexOf('|') + 1);

const modelOf = <T>(connection: Connection, name: string, schema: never, collection: string): Model<T> =>
  (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema, collection);

/**
 * A parent's applications (live or archived) through their owner slots: `_id` look-ups only, so a parent's
 * list costs the same however many applications the province has. Other components (notices) use it too.
 */
/** The collections behind applications (registered once per connection). */
function applicationModels(connection: Connection) {
  return {
    Application: modelOf<ApplicationDoc>(connection, 'Application', applicationSchema as never, 'applications'),
    // Finished applications move here (sweeper): no hot path reads it; owners and operators still can.
    Archive: modelOf<ApplicationDoc>(
      connection,
      'ArchivedApplication',
      archivedApplicationSchema as never,
      'applications_archive',
    ),
    OwnerSlot: modelOf<OwnerSlotDoc>(connection, 'ApplicationOwnerSlot', ownerSlotSchema as never, 'application_owners'),
  };
}

export async function findOwnerApplications(connection: Connection, ownerId: string): Promise<ApplicationDoc[]> {
  const { Application, Archive, OwnerSlot } = applicationModels(connection);
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

export type ApplicationChange<R> = Decision<ApplicationDoc, R> & {
  /** Notices to deliver because of this change, appended to the outbox in the same commit. */
  notices?: OutboxEntry[];
  /** Departments that have items dispatched by (or after) this change: their work queues are marked first. */
  queues?: DepartmentCode[];
  /** When the change is the submit itself: the submission time the queues sort by. */
  submittedAt?: Date;
};

/** How long a draft may hold a newborn claim without submitting before another application may free it. */
export const NEWBORN_CLAIM_LEASE_MS = 60_000;

export function createApplicationsRepository(
  connection: Connection,
  crypto: FieldCrypto,
  options: Pick<VersionedOptions, 'hooks' | 'maxDecisionAgeMs'> = {},
) {
  const { Application, Archive, OwnerSlot } = applicationModels(connection);
  const Claim = modelOf<NewbornClaimDoc>(connection, 'NewbornClaim', newbornClaimSchema as never, 'newborn_claims');
  const Audit = modelOf<AuditDoc>(connection, 'Audit', auditSchema as never, 'audit_log');
  const versioned = createVersionedWriter<ApplicationDoc>(connection, Application, 'application_changes', {
    ...options,
    codec: {
      seal: (text) => crypto.seal(text, 'application_changes'),
      open: (sealed) => crypto.open(sealed, 'application_changes'),
    },
  });
  const OutboxDue = modelOf<OutboxDueDoc>(connection, 'OutboxDue', outboxDueSchema as never, 'outbox_due');
  const queues = Object.fromEntries(
    DEPARTMENT_CODES.map((code) => [
      code,
      modelOf<TaskQueueDoc>(connection, `TaskQueue_${code}`, taskQueueSchema as never, `task_queue_${code}`),
    ]),
  ) as Record<DepartmentCode, Model<TaskQueueDoc>>;

  /** The live application as of its latest committed change (pending claims applied first). */
  const findHot = (id: string) => versioned.load(id);
  /** Many live applications, each as findHot would read it: two `_id` set reads in all (versioned.loadMany). */
  const loadHot = (ids: readonly string[]) => versioned.loadMany(ids);
  /**
   * Hot first, then the archive: for reads by the owner or an operator, never for writers. `leaveOut`:
   * fields the reader does not need (versioned.load), so the database sends and the driver decodes less.
   */
  const findAnywhere = async (id: string, leaveOut?: readonly (keyof ApplicationDoc)[]) =>
    (await versioned.load(id, leaveOut)) ?? Archive.findById(id, leavingOut(leaveOut)).lean<ApplicationDoc>();

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

  /**
   * Puts the application in the relay's queue (`outbox_due`), due at `dueAt` or earlier. Call it BEFORE
   * the versioned change that adds outbox entries: the mark cannot be written atomically with the
   * application, so it must exist first; the relay removes it only once nothing is pending and the mark
   * is older than QUEUE_MARK_MARGIN_MS.
   */
  async function markOutboxDue(appId: string, dueAt: Date): Promise<void> {
    await OutboxDue.updateOne({ _id: outboxDueKey(dueAt, appId) }, { $set: { dueAt, markedAt: new Date() } }, { upsert: true });
  }
  /** Marks this process's relay read last, by application, so settling works on exactly those. */
  const dueSeen = new Map<string, OutboxDueDoc[]>();

  /**
   * Puts the application in these departments' work queues. Call it BEFORE the versioned change that
   * dispatches their items (same reasoning as markOutboxDue); the queue reader removes a mark once the
   * department has nothing left on the application and the mark is older than the margin.
   */
  async function markTaskQueues(appId: string, departments: Iterable<DepartmentCode>, submittedAt: Date): Promise<void> {
    const markedAt = new Date();
    for (const department of new Set(departments))
      await queues[department].updateOne(
        { _id: taskQueueKey(submittedAt, appId) },
        { $set: { submittedAt, markedAt } },
        { upsert: true },
      );
  }

  const repository = {
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
    async findOwned(id: string, ownerId: string, leaveOut?: readonly (keyof ApplicationDoc)[]): Promise<ApplicationDoc | null> {
      const doc = await findAnywhere(id, leaveOut);
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
     * The one way an application changes, for parents, departments and the relay alike: read the
     * latest state, decide, commit one versioned update that also appends the change's notices to
     * the outbox (see libraries/versioned.ts for why this holds on FerretDB). Retries lost races by
     * deciding again on the new state.
     */
    async change<R>(
      id: string,
      decide: (doc: ApplicationDoc | null) => ApplicationChange<R> | Promise<ApplicationChange<R>>,
      /** The live application as findById returned it moments ago (and when that read started): decided on first. */
      start?: Loaded<ApplicationDoc>,
    ) {
      let noticesDue: Date | null = null;
      const outcome = await versioned.changeFrom<R>(id, start, async (doc) => {
        const decision = await decide(doc);
        noticesDue = null;
        if (!decision.update) return decision;
        // Queue marks go first: they cannot share the versioned commit, so they exist before it (a mark
        // whose change lost is dropped later by its reader).
        const submittedAt = doc?.submittedAt ?? decision.submittedAt;
        if (decision.queues?.length && submittedAt) await markTaskQueues(id, decision.queues, submittedAt);
        if (!decision.notices?.length) return decision;
        const update = decision.update as Record<string, Record<string, unknown>>;
        const due = decision.notices.reduce((min, n) => (n.nextAt < min ? n.nextAt : min), decision.notices[0].nextAt);
        const current = doc?.outboxDue ? new Date(doc.outboxDue) : null;
        await markOutboxDue(id, due);
        noticesDue = due;
        return {
          result: decision.result,
          update: {
            ...update,
            $set: { ...update.$set, outboxDue: current && current < due ? current : due },
            $push: { ...update.$push, outbox: { $each: decision.notices } },
          },
        };
      });
      // Marked again once committed: a relay that read the application between the first mark and the
      // commit found nothing pending and put the mark off for its margin; this brings the notices back
      // to their due time. (If this process dies here, the first mark still delivers them, later.)
      if (outcome.changed && noticesDue) await markOutboxDue(id, noticesDue);
      return outcome;
    },

    /**
     * `change`, deciding first on `start`: the live application as findById returned it moments ago (and
     * when that read started), which saves a read; if anyone committed since, that commit loses and
     * `decide` runs again on the application as it is then.
     */
    changeFrom<R>(
      start: Loaded<ApplicationDoc>,
      decide: (doc: ApplicationDoc | null) => ApplicationChange<R> | Promise<ApplicationChange<R>>,
    ) {
      return repository.change(start.doc._id, decide, start);
    },

    sweepChanges: (before: Date) => versioned.sweep(before),
    claimsOf: (id: string) => versioned.claimsOf(id),

    markOutboxDue,

    /**
     * Ids of applications with outbox entries due by `now`, soonest first: one `_id` range read of the
     * due-queue's marks up to `now`, with a limit (an index range whatever the number of marks).
     */
    async findOutboxDue(now: Date, limit: number): Promise<string[]> {
      const marks = await OutboxDue.find({
        _id: trusted({ $gte: DUE_KEYS.from, $lt: outboxDueKey(new Date(now.getTime() + 1), '') }),
      })
        .sort({ _id: 1 })
        .limit(limit)
        .lean<OutboxDueDoc[]>();
      if (dueSeen.size > 10_000) dueSeen.clear(); // marks read but never settled (another relay held the lease)
      const ids: string[] = [];
      for (const mark of marks) {
        const id = applicationOfMark(mark._id);
        if (!ids.includes(id)) {
          ids.push(id);
          dueSeen.set(id, []);
        }
        dueSeen.get(id)!.push(mark);
      }
      return ids;
    },

    /**
     * After the relay worked on an application (under its lease): re-reads it (or takes `current`, the state its
     * own change just left, which is as good: a writer marks before and after committing) and settles the marks it was
     * found by. With entries pending, the next one gets its mark (inserted before the old marks go, so a
     * crash in between leaves an extra mark, never none). With nothing pending, a mark older than the margin
     * goes; a younger one (its writer may not have committed yet) moves to a re-check after the margin,
     * out of the way of what is due now. Removals are conditional on the mark being the one read, so a
     * writer's fresh mark (same key, newer `markedAt`) is not undone.
     */
    async settleOutboxDue(appId: string, current?: ApplicationDoc | null): Promise<void> {
      const seen = dueSeen.get(appId) ?? [];
      dueSeen.delete(appId);
      if (!seen.length) return;
      const doc = current === undefined ? await findHot(appId) : current;
      const pending = (doc?.outbox ?? []).filter((e) => e.state === 'pending').map((e) => new Date(e.nextAt).getTime());
      const moveTo = async (mark: OutboxDueDoc, dueAt: Date) => {
        const key = outboxDueKey(dueAt, appId);
        if (key === mark._id) return;
        await OutboxDue.updateOne({ _id: key }, { $set: { dueAt }, $setOnInsert: { markedAt: mark.markedAt } }, { upsert: true });
        await OutboxDue.deleteOne({ _id: mark._id, markedAt: mark.markedAt });
      };
      if (pending.length) {
        const next = new Date(Math.min(...pending));
        const newest = seen.reduce((a, b) => (a.markedAt > b.markedAt ? a : b));
        await moveTo(newest, next);
        for (const mark of seen)
          if (mark !== newest && mark._id !== outboxDueKey(next, appId))
            await OutboxDue.deleteOne({ _id: mark._id, markedAt: mark.markedAt });
        return;
      }
      for (const mark of seen) {
        const markedAt = new Date(mark.markedAt).getTime();
        if (Date.now() - markedAt >= QUEUE_MARK_MARGIN_MS) await OutboxDue.deleteOne({ _id: mark._id, markedAt: mark.markedAt });
        else await moveTo(mark, new Date(markedAt + QUEUE_MARK_MARGIN_MS));
      }
    },

    /**
     * Safety net for the sweeper: applications with pending entries (`outboxDue` set) but no mark at that
     * time — a mark removed by a race in FerretDB's unisolated delete — are marked again; and marks written
     * under the keys of earlier versions (the application id alone) are written again under their time key.
     * Scans, off every hot path (the sweeper's hourly round); each mark is an `_id` look-up.
     */
    async remarkOutboxDue(): Promise<number> {
      let marked = 0;
      const legacy = <T extends { _id: string }>(marks: T[], prefix: string) => marks.filter((m) => !m._id.startsWith(prefix));
      for (const old of legacy(await OutboxDue.find({}).lean<OutboxDueDoc[]>(), DUE_KEYS.from)) {
        await markOutboxDue(old._id, old.dueAt);
        await OutboxDue.deleteOne({ _id: old._id });
        marked++;
      }
      for (const department of DEPARTMENT_CODES) {
        for (const old of legacy(await queues[department].find({}).lean<TaskQueueDoc[]>(), TASK_KEYS.from)) {
          await markTaskQueues(old._id, [department], old.submittedAt);
          await queues[department].deleteOne({ _id: old._id });
          marked++;
        }
      }
      const due = await Application.find({ outboxDue: trusted({ $ne: null }) }, { _id: 1, outboxDue: 1 }).lean<
        { _id: string; outboxDue: Date }[]
      >();
      for (const d of due) {
        if (await OutboxDue.findById(outboxDueKey(new Date(d.outboxDue), d._id)).lean()) continue;
        await markOutboxDue(d._id, d.outboxDue);
        marked++;
      }
      return marked;
    },

    markTaskQueues,

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
     * queue), after the cursor (the last page's final submittedAt and id). Reads the department's queue
     * marks (keyed `q:<submittedAt>|<id>`, one per application it still has work on) as `_id` ranges in key
     * order, a page's worth at a time, then those applications by one `_id` set read, until the page is full;
     * marks of applications the department is done with are skipped, and removed once older than the margin.
     */
    async findTasks(
      department: DepartmentCode,
      states: readonly ItemState[],
      after: { submittedAt: Date; id: string } | undefined,
      limit: number,
    ): Promise<ApplicationDoc[]> {
      if (!states.every((s) => QUEUED_STATES.includes(s))) return scanTasks(department, states, after, limit);
      // Past year 9999 an ISO time no longer sorts as a time; no application is submitted after it.
      if (after && after.submittedAt.getUTCFullYear() > 9999) return [];
      const Queue = queues[department];
      const keys = itemsForDepartment(department);
      const docs: ApplicationDoc[] = [];
      let from: Record<string, string> = after ? { $gt: taskQueueKey(after.submittedAt, after.id) } : { $gte: TASK_KEYS.from };
      for (;;) {
        // A few more than the page needs: some marks may be of applications the department is done with.
        const batch = limit - docs.length + 10;
        const marks = await Queue.find({ _id: trusted({ ...from, $lt: TASK_KEYS.to }) })
          .sort({ _id: 1 })
          .limit(batch)
          .lean<TaskQueueDoc[]>();
        // In order, as many applications as the page still needs, each round one `_id` set read (loadMany): a
        // page costs the same few reads whatever its size, unless marks of finished work are in the way.
        for (let at = 0; at < marks.length && docs.length < limit;) {
          const chunk = marks.slice(at, at + limit - docs.length);
          at += chunk.length;
          const found = new Map((await loadHot(chunk.map((mark) => applicationOfMark(mark._id)))).map((d) => [d._id, d]));
          for (const mark of chunk) {
            const doc = found.get(applicationOfMark(mark._id)) ?? null;
            // A mark under another submission time than the application's is not its mark (its own is elsewhere).
            const stray = !doc?.submittedAt || taskQueueKey(doc.submittedAt, doc._id) !== mark._id;
            if (stray || departmentDone(doc, department)) {
              if (Date.now() - new Date(mark.markedAt).getTime() >= QUEUE_MARK_MARGIN_MS)
                await Queue.deleteOne({ _id: mark._id, markedAt: mark.markedAt });
              continue;
            }
            if (keys.some((k) => doc!.items[k] && states.includes(doc!.items[k]!.state))) docs.push(doc!);
          }
        }
        if (docs.length >= limit || marks.length < batch) return docs.slice(0, limit);
        from = { $gt: marks[marks.length - 1]._id };
      }
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
      const candidates = await Application.find({ status: 'completed', updatedAt: trusted({ $lt: before }) }, { _id: 1 })
        .limit(limit)
        .lean<{ _id: string }[]>();
      let moved = 0;
      for (const { _id } of candidates) {
        // Marked through the one write path, so the copy is the latest committed state.
        const { doc, result: finished } = await versioned.change(_id, (d) => {
          const done =
            !!d &&
            d.status === 'completed' &&
            Object.entries(d.items).every(([k, item]) => !item || isFinal(k as never, item.state)) &&
            !d.outbox.some((e) => e.state === 'pending');
          if (!done || d.archivedAt) return { result: done };
          return { update: { $set: { archivedAt: new Date() } }, result: true };
        });
        if (!finished || !doc) continue; // changed meanwhile: looked at again next time
        // Replace, not insert: a move cut short and retried after a later change copies that change too.
        await Archive.replaceOne({ _id }, doc, { upsert: true });
        await Application.deleteOne({ _id, version: doc.version });
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
  };
  return repository;
}

const itemsForAll = () =>
  (['hospital', 'police', 'medical_insurance', 'social_security'] as DepartmentCode[]).flatMap(itemsForDepartment);

export type ApplicationsRepository = ReturnType<typeof createApplicationsRepository>;
