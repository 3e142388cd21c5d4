import { randomUUID } from 'node:crypto';
import {
  APPLICATION_STATUS_LABELS,
  ApplicationDraftInput,
  ApplicationInput,
  DEPARTMENTS,
  ITEM_CATALOGUE,
  ITEM_KEYS,
  ITEM_STATE_LABELS,
  ResubmitItemInput,
  applicationDueAt,
  deriveApplicationStatus,
  formatZodIssues,
  isCompletedOrBeyond,
  isItemKey,
  itemDueAt,
  nextState,
  type ApplicationStatus,
  type Guide,
  type ItemKey,
  type WorkingCalendar,
} from '@birth/shared';
import type { FieldCrypto } from '../../libraries/crypto';
import { AppError, notFound, validationFailed, type FieldError } from '../../libraries/errors';
import type { ApplicationDoc, ItemRecord, NewbornClaimDoc } from './application.model';
import { maskOutputs, mergePatch, openData, openMasked, openOutputs, sealData, withoutNulls } from './application.data';
import { dispatchReadyItems, queuedDepartments } from './application.dispatch';
import { noticeEntry } from './application.notices';
import { NEWBORN_CLAIM_LEASE_MS, type ApplicationsRepository } from './applications.repository';
import type { AttachmentsService } from '../attachments/attachments.service';

export type ApplicationsDeps = {
  repo: ApplicationsRepository;
  /** Called after a draft is withdrawn or swept, to remove what other components hold of it (photos…). */
  onDraftRemoved?: ((applicationId: string) => Promise<void>)[];
  crypto: FieldCrypto;
  calendar: WorkingCalendar;
  guide: Guide;
  now: () => Date;
  /** Photos (issue 7): submit lists the missing ones, withdraw removes them, resubmit wants the replacements. */
  attachments?: Pick<AttachmentsService, 'missingFor' | 'deleteForApplication' | 'notReplacedSince'>;
};

type Obj = Record<string, unknown>;
const etagOf = (version: number) => `"v${version}"`;
/** What the progress view never shows: the relay's outbox and the departments' event log. */
const PROGRESS_LEAVES_OUT = ['outbox', 'eventLog'] as const;

/** What the parent sees of an application: personal identifiers masked. */
export type ApplicationView = ReturnType<ReturnType<typeof createApplicationsService>['view']>;

export function createApplicationsService(deps: ApplicationsDeps) {
  const { repo, crypto } = deps;

  function view(doc: ApplicationDoc) {
    return {
      id: doc._id,
      status: doc.status,
      statusLabel: APPLICATION_STATUS_LABELS[doc.status],
      version: doc.version,
      data: openMasked(doc.data, crypto),
      items: ITEM_KEYS.filter((k) => doc.items[k]).map((k) => itemView(k, doc.items[k] as ItemRecord)),
      submittedAt: doc.submittedAt?.toISOString(),
      createdAt: doc.createdAt.toISOString(),
      updatedAt: doc.updatedAt.toISOString(),
    };
  }

  function itemView(key: ItemKey, item: ItemRecord) {
    const now = deps.now();
    return {
      key,
      name: ITEM_CATALOGUE[key].name,
      department: item.department,
      departmentName: DEPARTMENTS[item.department].name,
      state: item.state,
      stateLabel: ITEM_STATE_LABELS[item.state],
      dispatchedAt: item.dispatchedAt?.toISOString(),
      dueAt: item.dueAt?.toISOString(),
      overdue: !!item.dueAt && (item.state === 'dispatched' || item.state === 'accepted') && item.dueAt < now,
      acceptedAt: item.acceptedAt?.toISOString(),
      completedAt: item.completedAt?.toISOString(),
      deliveredAt: item.deliveredAt?.toISOString(),
      rejection: item.rejection ? { reasons: item.rejection.reasons, at: item.rejection.at.toISOString() } : undefined,
      outputs: maskOutputs(openOutputs(item.outputs, crypto)),
      shipment: item.shipment ? { ...item.shipment, at: item.shipment.at.toISOString() } : undefined,
      pickup: item.pickup ? { ...item.pickup, at: item.pickup.at.toISOString() } : undefined,
    };
  }

  /** How the item's document reaches the parents (masked phone); pickup points named from the guide. */
  function deliveryView(delivery: Obj | undefined) {
    if (!delivery) return undefined;
    if (delivery.method === 'pickup') {
      const point = deps.guide.pickupPoints.find((p) => p.id === delivery.pickupPointId);
      return {
        method: 'pickup' as const,
        pickupPoint: point ? { id: point.id, name: point.name, address: point.address, hours: point.hours } : undefined,
      };
    }
    return {
      method: 'mail' as const,
      recipient: delivery.recipient,
      phone: delivery.phone,
      regionCode: delivery.regionCode,
      addressDetail: delivery.addressDetail,
    };
  }

  async function getOwned(ownerId: string, id: string, leaveOut?: readonly (keyof ApplicationDoc)[]): Promise<ApplicationDoc> {
    const doc = await repo.findOwned(id, ownerId, leaveOut);
    if (!doc || doc.status === 'withdrawn') throw notFound('该申请');
    return doc;
  }

  function checkDraft(data: Obj): void {
    const parsed = ApplicationDraftInput.safeParse(data);
    if (!parsed.success) throw validationFailed(formatZodIssues(parsed.error), `有 ${parsed.error.issues.length} 项信息需要修改`);
  }

  /** Rules the schema cannot know: the hospital and pickup points must be in the configured guide. */
  function checkAgainstGuide(data: Obj): FieldError[] {
    const errors: FieldError[] = [];
    const newborn = data.newborn as Obj | undefined;
    if (newborn?.hospitalId && !deps.guide.hospitals.some((h) => h.id === newborn.hospitalId)) {
      errors.push({ path: 'newborn.hospitalId', message: '请从列表中选择出生的助产机构' });
    }
    for (const [key, d] of Object.entries((data.delivery as Obj | undefined) ?? {})) {
      const delivery = d as Obj;
      if (delivery?.method === 'pickup' && !deps.guide.pickupPoints.some((p) => p.id === delivery.pickupPointId)) {
        errors.push({ path: `delivery.${key}.pickupPointId`, message: '请从列表中选择领取地点' });
      }
    }
    return errors;
  }

  function parseFull(data: Obj) {
    const parsed = ApplicationInput.safeParse(data);
    const errors = [...(parsed.success ? [] : formatZodIssues(parsed.error)), ...checkAgainstGuide(data)];
    if (!parsed.success || errors.length)
      throw validationFailed(errors, `还有 ${errors.length} 项信息需要补充或修改，请按提示逐项更正`);
    return parsed.data;
  }

  function newbornKeyOf(input: ApplicationInput): string {
    const minute = new Date(input.newborn.birthDateTime).toISOString().slice(0, 16);
    return crypto.blindIndex(`${input.mother.idNumber}|${input.father.idNumber}|${minute}`, 'newborn');
  }

  /** 409 for a newborn someone else applied for; only its own parent learns which application it is. */
  const newbornConflict = (holder: ApplicationDoc | null, doc: ApplicationDoc) =>
    new AppError('CONFLICT', '这个宝宝已有一份出生“一件事”申请，请在“我的申请”中查看，无需重复申请', {
      reason: 'NEWBORN_ALREADY_APPLIED',
      ...(holder && holder.ownerId === doc.ownerId ? { existingApplicationId: holder._id } : {}),
    });

  /**
   * Whether a newborn claim still binds: `held` by a live application, `pending` while its draft is
   * being submitted (or its submitter died), `dead` when the holder is gone, withdrawn, holds another
   * claim now, or had this one freed.
   */
  function claimVerdict(claim: NewbornClaimDoc, holder: ApplicationDoc | null): 'held' | 'pending' | 'dead' {
    if (!holder || holder.status === 'withdrawn') return 'dead';
    if (holder.releasedNewbornClaims?.includes(claim._id)) return 'dead';
    if (holder.status === 'draft') return 'pending';
    return holder.newbornClaim === claim._id ? 'held' : 'dead';
  }

  /**
   * Makes `doc` the holder of the newborn `newbornKey`, or throws 409 when another application holds it.
   * Exclusivity comes from unique inserts (one per claim generation); a draft that sat on a claim past
   * the lease is freed through its own version log, so its submit and the freeing are ordered there:
   * whichever commits first wins, and the other sees it.
   */
  async function holdNewborn(newbornKey: string, doc: ApplicationDoc): Promise<string> {
    for (let round = 0; round < 6; round++) {
      const now = deps.now();
      const { current, nextGen } = await repo.newestNewbornClaim(newbornKey);
      if (current && current.applicationId === doc._id && !doc.releasedNewbornClaims?.includes(current._id)) return current._id;
      if (current && current.applicationId !== doc._id) {
        const holder = await repo.findById(current.applicationId);
        const verdict = claimVerdict(current, holder);
        if (verdict === 'held') throw newbornConflict(holder, doc);
        if (verdict === 'pending') {
          if (now.getTime() - new Date(current.createdAt).getTime() < NEWBORN_CLAIM_LEASE_MS) throw newbornConflict(holder, doc);
          await repo.change(current.applicationId, (h) =>
            h && claimVerdict(current, h) === 'pending'
              ? { update: { $push: { releasedNewbornClaims: current._id } }, result: true }
              : { result: false },
          );
          continue; // look again: the holder may have submitted before the release
        }
      }
      const taken = await repo.insertNewbornClaim(newbornKey, nextGen, doc._id, now);
      if (taken) return taken;
    }
    throw new AppError('CONFLICT', '提交的人较多，请稍后重试', { headers: { 'Retry-After': '1' } });
  }

  /** Withdraws a draft: its personal data goes in the commit, then the document and what others hold of it. */
  async function removeDraft(id: string, allowed: (doc: ApplicationDoc) => boolean): Promise<boolean> {
    const now = deps.now();
    const { doc, result } = await repo.change(id, (d) => {
      if (!d || d.status !== 'draft' || !allowed(d)) return { result: d?.status === 'withdrawn' && !!d.draftRemoved };
      return {
        update: {
          $set: { status: 'withdrawn', draftRemoved: true, data: {}, withdrawnAt: now, updatedAt: now, newbornKey: null },
        },
        result: true,
      };
    });
    if (!result) return false;
    await repo.deleteWithdrawnDraft(id);
    for (const hook of deps.onDraftRemoved ?? []) await hook(id);
    return !!doc || result;
  }

  return {
    view,
    etagOf,

    async createDraft(ownerId: string, input: Obj) {
      checkDraft(input);
      const guideErrors = checkAgainstGuide(input);
      if (guideErrors.length) throw validationFailed(guideErrors);
      const now = deps.now();
      const doc: ApplicationDoc = {
        _id: randomUUID(),
        ownerId,
        version: 1,
        status: 'draft',
        data: sealData(input, crypto),
        items: {},
        timeline: [],
        eventLog: [],
        outbox: [],
        outboxDue: null,
        newbornKey: null,
        createdAt: now,
        updatedAt: now,
      };
      await repo.insert(doc);
      return doc;
    },

    async list(ownerId: string) {
      return (await repo.listByOwner(ownerId)).map((doc) => ({
        id: doc._id,
        status: doc.status,
        statusLabel: APPLICATION_STATUS_LABELS[doc.status],
        newbornName:
          typeof (doc.data.newborn as Obj | undefined)?.name === 'string'
            ? ((doc.data.newborn as Obj).name as string)
            : undefined,
        itemCount: Object.keys(doc.items).length,
        createdAt: doc.createdAt.toISOString(),
        updatedAt: doc.updatedAt.toISOString(),
        submittedAt: doc.submittedAt?.toISOString(),
      }));
    },

    get: getOwned,

    async updateDraft(ownerId: string, id: string, ifMatch: string | undefined, patch: Obj) {
      if (!ifMatch) throw new AppError('PRECONDITION_REQUIRED', '请带上 If-Match（上次读取时的 ETag）以免覆盖他人的修改');
      // `null` removes a field (mergePatch): check what the patch sets here, the merged draft as a whole below.
      checkDraft(withoutNulls(patch));
      const { doc } = await repo.change(id, (d) => {
        if (!d || d.ownerId !== ownerId || d.status === 'withdrawn') throw notFound('该申请');
        if (d.status !== 'draft') throw new AppError('CONFLICT', '申请已提交，不能再修改草稿；如被退回，请按提示更正该事项');
        if (ifMatch !== etagOf(d.version))
          throw new AppError('CONFLICT', '草稿已在其他地方被修改，请刷新后再改', { currentVersion: d.version });
        const merged = mergePatch(openData(d.data, crypto), patch);
        checkDraft(merged);
        const guideErrors = checkAgainstGuide(merged);
        if (guideErrors.length) throw validationFailed(guideErrors);
        return { update: { $set: { data: sealData(merged, crypto), updatedAt: deps.now() } }, result: true };
      });
      return doc!;
    },

    /** Withdraws a draft (its personal data removed everywhere), or an application before any item was accepted. */
    async withdraw(ownerId: string, id: string): Promise<void> {
      const doc = await getOwned(ownerId, id);
      if (doc.status === 'draft') {
        if (!(await removeDraft(id, (d) => d.ownerId === ownerId))) {
          // It was submitted (or withdrawn) in between: decide again on what it is now.
          return this.withdraw(ownerId, id);
        }
        return;
      }
      await repo.change(id, (d) => {
        if (!d || d.ownerId !== ownerId || d.status === 'withdrawn') throw notFound('该申请');
        if (d.status === 'draft') throw new AppError('CONFLICT', '申请状态刚刚发生变化，请刷新后再试');
        const started = Object.values(d.items).some((item) => item && item.acceptedAt);
        if (started) throw new AppError('CONFLICT', '已有事项被受理，不能撤回申请；如有疑问请联系咨询电话');
        const now = deps.now();
        return {
          update: {
            $set: { status: 'withdrawn', withdrawnAt: now, updatedAt: now },
            $push: { timeline: { at: now, event: 'withdraw', actor: 'parent' } },
          },
          result: true,
        };
      });
      await deps.attachments?.deleteForApplication(id);
    },

    /** The sweeper: a draft untouched since `before` is removed with its personal data, like a withdrawal. */
    async sweepDraft(id: string, before: Date): Promise<boolean> {
      return removeDraft(id, (d) => d.updatedAt < before);
    },

    /** The sweeper: finishes a draft removal that a crash cut short. */
    async finishDraftRemoval(id: string): Promise<void> {
      await repo.deleteWithdrawnDraft(id);
      for (const hook of deps.onDraftRemoved ?? []) await hook(id);
    },

    /**
     * Submits a draft: validates everything at once, holds the newborn (one application per newborn
     * per parent pair), and dispatches the items that need nothing else — in one versioned change.
     * `submitKey` (the Idempotency-Key) makes a retry of the submit that committed answer like it.
     */
    async submit(ownerId: string, id: string, submitKey: string): Promise<ApplicationDoc> {
      for (let round = 0; round < 4; round++) {
        const readAt = Date.now();
        const doc = await getOwned(ownerId, id);
        if (doc.status !== 'draft') {
          if (doc.submitKey === submitKey) return doc;
          throw new AppError('CONFLICT', '该申请已提交，请勿重复提交', { reason: 'ALREADY_SUBMITTED' });
        }
        const input = parseFull(openData(doc.data, crypto));
        const missingPhotos = (await deps.attachments?.missingFor(id, input as unknown as Obj)) ?? [];
        if (missingPhotos.length)
          throw validationFailed(missingPhotos, `还有 ${missingPhotos.length} 项照片材料需要上传，请按提示逐项补充`);
        const newbornKey = newbornKeyOf(input);
        const claim = await holdNewborn(newbornKey, doc);
        // Decided first on the read above: a draft is never archived, so it is the live one as the write path
        // loads it (one read less, unless someone changed it meanwhile).
        const out = await repo.changeFrom({ doc, readAt }, (d) => {
          if (!d || d.ownerId !== ownerId || d.status === 'withdrawn') throw notFound('该申请');
          if (d.status !== 'draft') return { result: d.submitKey === submitKey ? 'submitted' : 'already' };
          if (d.releasedNewbornClaims?.includes(claim)) return { result: 'again' };
          const input = parseFull(openData(d.data, crypto));
          if (newbornKeyOf(input) !== newbornKey) return { result: 'again' }; // edited in between
          const now = deps.now();
          const items: Partial<Record<ItemKey, ItemRecord>> = {};
          for (const key of input.items) items[key] = { state: 'waiting', department: ITEM_CATALOGUE[key].department };
          const dispatched = dispatchReadyItems(items, now, deps.calendar);
          return {
            update: {
              $set: {
                status: 'in_progress' satisfies ApplicationStatus,
                data: sealData(input as unknown as Obj, crypto),
                items,
                newbornKey,
                newbornClaim: claim,
                submitKey,
                submittedAt: now,
                updatedAt: now,
              },
              $push: {
                timeline: { $each: [{ at: now, event: 'submit', actor: 'parent', note: '申请已提交' }, ...dispatched.timeline] },
              },
            },
            notices: [noticeEntry('application_submitted', now, id, 'submitted', { itemCount: String(input.items.length) })],
            queues: queuedDepartments(items),
            submittedAt: now,
            result: 'submitted',
          };
        });
        if (out.result === 'submitted') return out.doc!;
        if (out.result === 'already')
          throw new AppError('CONFLICT', '该申请已提交，请勿重复提交', { reason: 'ALREADY_SUBMITTED' });
      }
      throw new AppError('CONFLICT', '申请刚刚被修改，请刷新后再提交', { headers: { 'Retry-After': '1' } });
    },

    /** Parent corrects a rejected item and sends just that item back; the other items stay as they are. */
    async resubmitItem(ownerId: string, id: string, itemKey: string, body: unknown) {
      if (!isItemKey(itemKey)) throw notFound('该事项');
      const parsed = ResubmitItemInput.safeParse(body);
      if (!parsed.success) throw validationFailed(formatZodIssues(parsed.error));
      const corrections = (parsed.data.corrections ?? {}) as Obj;
      const decide = (d: ApplicationDoc | null, claim: string | undefined) => {
        if (!d || d.ownerId !== ownerId || d.status === 'withdrawn') throw notFound('该申请');
        const item = d.items[itemKey];
        if (!item) throw notFound('该事项');
        const to = nextState(itemKey, item.state, 'resubmit', 'parent');
        if (!to)
          throw new AppError(
            'CONFLICT',
            `“${ITEM_CATALOGUE[itemKey].name}”当前为“${ITEM_STATE_LABELS[item.state]}”，无需重新提交`,
          );
        const input = parseFull(mergePatch(openData(d.data, crypto), corrections));
        const newbornKey = newbornKeyOf(input);
        // A corrected ID number or birth time is another newborn: it must be held before the change.
        if (newbornKey !== d.newbornKey && !claim) return { result: { needs: newbornKey } };
        const now = deps.now();
        return {
          update: {
            $set: {
              data: sealData(input as unknown as Obj, crypto),
              ...(newbornKey !== d.newbornKey ? { newbornKey, newbornClaim: claim } : {}),
              [`items.${itemKey}.state`]: to,
              [`items.${itemKey}.dispatchedAt`]: now,
              [`items.${itemKey}.dueAt`]: itemDueAt(now, deps.calendar),
              [`items.${itemKey}.resubmissions`]: (item.resubmissions ?? 0) + 1,
              status: deriveApplicationStatus({ ...d.items, [itemKey]: { ...item, state: to } } as never),
              updatedAt: now,
            },
            $push: {
              timeline: {
                at: now,
                itemKey,
                event: 'resubmit',
                actor: 'parent',
                state: to,
                ...(parsed.data.note ? { note: parsed.data.note } : {}),
              },
            },
          },
          queues: [item.department],
          result: { needs: undefined as string | undefined },
        };
      };
      // A rejection that points at a photo waits for its replacement.
      const rejected = (await getOwned(ownerId, id)).items[itemKey];
      if (rejected) {
        const photos = (await deps.attachments?.notReplacedSince(id, rejected)) ?? [];
        if (photos.length) throw validationFailed(photos, '请先按退回原因重新上传照片');
      }
      let claim: string | undefined;
      for (let round = 0; round < 4; round++) {
        const out = await repo.change(id, (d) => decide(d, claim));
        if (out.changed) return out.doc!;
        const doc = await getOwned(ownerId, id);
        try {
          claim = await holdNewborn(out.result.needs!, doc);
        } catch (err) {
          if (err instanceof AppError && err.extra.reason === 'NEWBORN_ALREADY_APPLIED')
            throw new AppError('CONFLICT', '更正后的信息与另一份已提交的申请属于同一个宝宝，请在“我的申请”中查看', {
              ...err.extra,
            });
          throw err;
        }
      }
      throw new AppError('CONFLICT', '申请刚刚被修改，请刷新后再提交', { headers: { 'Retry-After': '1' } });
    },

    /** Per-item state, timeline, deadlines and the predicted completion date, in working days. */
    async progress(ownerId: string, id: string) {
      // Without the outbox and the event log (about half of a finished application), which progress does not show.
      const doc = await getOwned(ownerId, id, PROGRESS_LEAVES_OUT);
      const now = deps.now();
      // Only what progress shows is opened: the newborn's name and the delivery choices (phones masked).
      const data = openMasked({ newborn: doc.data.newborn, delivery: doc.data.delivery }, crypto);
      const items = ITEM_KEYS.filter((k) => doc.items[k]).map((k) => ({
        ...itemView(k, doc.items[k] as ItemRecord),
        delivery: deliveryView((data.delivery as Obj | undefined)?.[k] as Obj | undefined),
      }));
      const acceptedAt = doc.acceptedAt;
      const pausedDays = pausedWorkingDays(doc);
      const dueAt = acceptedAt ? applicationDueAt(acceptedAt, deps.calendar, pausedDays) : undefined;
      return {
        id: doc._id,
        newbornName: (data.newborn as Obj | undefined)?.name as string | undefined,
        status: doc.status,
        statusLabel: APPLICATION_STATUS_LABELS[doc.status],
        submittedAt: doc.submittedAt?.toISOString(),
        acceptedAt: acceptedAt?.toISOString(),
        dueAt: dueAt?.toISOString(),
        timeLimitWorkingDays: 4,
        workingDaysElapsed: acceptedAt ? Math.max(0, deps.calendar.workingDaysBetween(acceptedAt, now) - pausedDays) : 0,
        predictedCompletionAt: predictCompletion(doc, now)?.toISOString(),
        calendarCovered: deps.calendar.isCovered(Number(now.toISOString().slice(0, 4))),
        items,
        needsCorrection: items
          .filter((i) => i.state === 'rejected')
          .map((i) => ({ key: i.key, name: i.name, reasons: i.rejection?.reasons ?? [] })),
        // Entries stored before resubmits left out an absent note carry `note: null`: answered without it.
        timeline: doc.timeline.map(({ note, ...t }) => ({
          ...t,
          ...(note ? { note } : {}),
          at: t.at.toISOString(),
          itemName: t.itemKey ? ITEM_CATALOGUE[t.itemKey].name : undefined,
        })),
      };
    },
  };

  /** Working days the application spent waiting on the parents (rejected until resubmitted): not counted. */
  function pausedWorkingDays(doc: ApplicationDoc): number {
    let paused = 0;
    const rejectedAt: Partial<Record<string, Date>> = {};
    for (const t of doc.timeline) {
      if (!t.itemKey) continue;
      if (t.event === 'reject') rejectedAt[t.itemKey] = t.at;
      if (t.event === 'resubmit' && rejectedAt[t.itemKey]) {
        paused += deps.calendar.workingDaysBetween(rejectedAt[t.itemKey]!, t.at);
        delete rejectedAt[t.itemKey];
      }
    }
    return paused;
  }

  /**
   * Predicted completion: every unfinished item takes at most one working day after its prerequisites,
   * so the chain length of what is left, counted from now (or its due date when already dispatched).
   */
  function predictCompletion(doc: ApplicationDoc, now: Date): Date | undefined {
    if (doc.status === 'draft' || doc.status === 'withdrawn') return undefined;
    const finish: Partial<Record<ItemKey, Date>> = {};
    for (const key of ITEM_KEYS) {
      const item = doc.items[key];
      if (!item) continue;
      if (isCompletedOrBeyond(item.state)) {
        finish[key] = item.completedAt ?? now;
        continue;
      }
      const needs = ITEM_CATALOGUE[key].needs.map((n) => finish[n]).filter((d): d is Date => !!d);
      const start = needs.length ? new Date(Math.max(now.getTime(), ...needs.map((d) => d.getTime()))) : now;
      finish[key] = item.dueAt && item.state !== 'rejected' && item.dueAt > start ? item.dueAt : itemDueAt(start, deps.calendar);
    }
    const all = Object.values(finish) as Date[];
    return all.length ? new Date(Math.max(...all.map((d) => d.getTime()))) : undefined;
  }
}

export type ApplicationsService = ReturnType<typeof createApplicationsService>;
