import { createHash, randomUUID } from 'node:crypto';
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
import type { ApplicationDoc, ItemRecord, OutboxEntry } from './application.model';
import { maskData, maskOutputs, mergePatch, openData, openOutputs, sealData, withoutNulls } from './application.data';
import { dispatchReadyItems } from './application.dispatch';
import type { ApplicationsRepository } from './applications.repository';

export type ApplicationsDeps = {
  repo: ApplicationsRepository;
  crypto: FieldCrypto;
  calendar: WorkingCalendar;
  guide: Guide;
  now: () => Date;
};

type Obj = Record<string, unknown>;
const etagOf = (version: number) => `"v${version}"`;
const MAX_RETRIES = 8;

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
      data: maskData(openData(doc.data, crypto)),
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

  async function getOwned(ownerId: string, id: string): Promise<ApplicationDoc> {
    const doc = await repo.findOwned(id, ownerId);
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

  function notify(
    template: string,
    now: Date,
    applicationId: string,
    discriminator: string,
    params: Record<string, string>,
    itemKey?: ItemKey,
  ): OutboxEntry {
    // Deterministic id: the same state change can never produce two deliveries.
    const id = createHash('sha256').update(`${applicationId}|${template}|${discriminator}`).digest('base64url').slice(0, 32);
    return { id, kind: 'notify', template, itemKey, params, state: 'pending', attempts: 0, nextAt: now, createdAt: now };
  }

  /** Re-reads and retries an update that lost a version race, up to a bound. */
  async function withRetry<T>(
    load: () => Promise<ApplicationDoc>,
    attempt: (doc: ApplicationDoc) => Promise<T | undefined>,
  ): Promise<T> {
    for (let i = 0; i < MAX_RETRIES; i++) {
      const result = await attempt(await load());
      if (result !== undefined) return result;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (i + 1)));
    }
    throw new AppError('CONFLICT', '该申请正在被同时修改，请稍后重试', { headers: { 'Retry-After': '1' } });
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
      const doc = await getOwned(ownerId, id);
      if (doc.status !== 'draft') throw new AppError('CONFLICT', '申请已提交，不能再修改草稿；如被退回，请按提示更正该事项');
      if (ifMatch !== etagOf(doc.version))
        throw new AppError('CONFLICT', '草稿已在其他地方被修改，请刷新后再改', { currentVersion: doc.version });
      // `null` removes a field (mergePatch); what a patch sets is checked, the merged draft as a whole below.
      checkDraft(withoutNulls(patch));
      const merged = mergePatch(openData(doc.data, crypto), patch);
      checkDraft(merged);
      const guideErrors = checkAgainstGuide(merged);
      if (guideErrors.length) throw validationFailed(guideErrors);
      const now = deps.now();
      const ok = await repo.updateIfVersion(
        id,
        doc.version,
        { $set: { data: sealData(merged, crypto), updatedAt: now }, $inc: { version: 1 } },
        { status: 'draft' },
      );
      if (!ok) throw new AppError('CONFLICT', '草稿已在其他地方被修改，请刷新后再改');
      return getOwned(ownerId, id);
    },

    /** Withdraws a draft (deleted), or an application before any item was accepted. */
    async withdraw(ownerId: string, id: string): Promise<void> {
      const doc = await getOwned(ownerId, id);
      if (doc.status === 'draft') {
        if (!(await repo.deleteIfVersion(id, ownerId, doc.version)))
          throw new AppError('CONFLICT', '草稿刚刚被修改，请刷新后再试');
        return;
      }
      const started = Object.values(doc.items).some((item) => item && item.acceptedAt);
      if (started) throw new AppError('CONFLICT', '已有事项被受理，不能撤回申请；如有疑问请联系咨询电话');
      const now = deps.now();
      const ok = await repo.updateIfVersion(id, doc.version, {
        $set: { status: 'withdrawn', withdrawnAt: now, updatedAt: now },
        $push: { timeline: { at: now, event: 'withdraw', actor: 'parent' } },
        $inc: { version: 1 },
      });
      if (!ok) throw new AppError('CONFLICT', '申请状态刚刚发生变化，请刷新后再试');
      if (doc.newbornKey) await repo.releaseNewborn(doc.newbornKey, id);
    },

    /**
     * Submits a draft: validates everything at once, claims the newborn (one application per newborn
     * per parent pair), and dispatches the items that need nothing else — in one conditional update.
     */
    async submit(ownerId: string, id: string): Promise<ApplicationDoc> {
      const doc = await getOwned(ownerId, id);
      if (doc.status !== 'draft') throw new AppError('CONFLICT', '该申请已提交，请勿重复提交', { applicationId: id });
      const input = parseFull(openData(doc.data, crypto));
      const now = deps.now();
      const newbornKey = newbornKeyOf(input);
      const holder = await repo.claimNewborn(newbornKey, id, now);
      if (holder !== id) {
        throw new AppError('CONFLICT', '这个宝宝已有一份出生“一件事”申请，请在“我的申请”中查看，无需重复申请', {
          existingApplicationId: holder,
        });
      }
      const items: Partial<Record<ItemKey, ItemRecord>> = {};
      for (const key of input.items) items[key] = { state: 'waiting', department: ITEM_CATALOGUE[key].department };
      const dispatched = dispatchReadyItems(items, now, deps.calendar);
      const set: Obj = {
        status: 'in_progress' satisfies ApplicationStatus,
        data: sealData(input as unknown as Obj, crypto),
        items,
        newbornKey,
        submittedAt: now,
        updatedAt: now,
        outboxDue: now,
      };
      const ok = await repo.updateIfVersion(
        id,
        doc.version,
        {
          $set: set,
          $push: {
            timeline: { $each: [{ at: now, event: 'submit', actor: 'parent', note: '申请已提交' }, ...dispatched.timeline] },
            outbox: notify('application_submitted', now, id, 'submitted', { itemCount: String(input.items.length) }),
          },
          $inc: { version: 1 },
        },
        { status: 'draft' },
      );
      if (!ok) {
        await repo.releaseNewborn(newbornKey, id);
        throw new AppError('CONFLICT', '申请刚刚被修改，请刷新后再提交');
      }
      return getOwned(ownerId, id);
    },

    /** Parent corrects a rejected item and sends just that item back; the other items stay as they are. */
    async resubmitItem(ownerId: string, id: string, itemKey: string, body: unknown) {
      if (!isItemKey(itemKey)) throw notFound('该事项');
      const parsed = ResubmitItemInput.safeParse(body);
      if (!parsed.success) throw validationFailed(formatZodIssues(parsed.error));
      return withRetry(
        () => getOwned(ownerId, id),
        async (doc) => {
          const item = doc.items[itemKey];
          if (!item) throw notFound('该事项');
          const to = nextState(itemKey, item.state, 'resubmit', 'parent');
          if (!to)
            throw new AppError(
              'CONFLICT',
              `“${ITEM_CATALOGUE[itemKey].name}”当前为“${ITEM_STATE_LABELS[item.state]}”，无需重新提交`,
            );
          const corrections = (parsed.data.corrections ?? {}) as Obj;
          const merged = mergePatch(openData(doc.data, crypto), corrections);
          const input = parseFull(merged);
          const now = deps.now();
          const dueAt = itemDueAt(now, deps.calendar);
          // A corrected ID number or birth time is another newborn key: move the claim, or refuse if
          // that newborn already has an application.
          const newbornKey = newbornKeyOf(input);
          const moved = doc.newbornKey !== newbornKey;
          if (moved) {
            const holder = await repo.claimNewborn(newbornKey, id, now);
            if (holder !== id) {
              throw new AppError('CONFLICT', '更正后的信息与另一份已提交的申请属于同一个宝宝，请在“我的申请”中查看', {
                existingApplicationId: holder,
              });
            }
          }
          const ok = await repo.updateIfVersion(
            id,
            doc.version,
            {
              $set: {
                data: sealData(input as unknown as Obj, crypto),
                newbornKey,
                [`items.${itemKey}.state`]: to,
                [`items.${itemKey}.dispatchedAt`]: now,
                [`items.${itemKey}.dueAt`]: dueAt,
                [`items.${itemKey}.resubmissions`]: (item.resubmissions ?? 0) + 1,
                status: deriveApplicationStatus({ ...doc.items, [itemKey]: { ...item, state: to } } as never),
                updatedAt: now,
              },
              $push: { timeline: { at: now, itemKey, event: 'resubmit', actor: 'parent', state: to, note: parsed.data.note } },
              $inc: { version: 1 },
            },
            { [`items.${itemKey}.state`]: item.state },
          );
          if (moved) await repo.releaseNewborn(ok ? doc.newbornKey! : newbornKey, id);
          return ok ? getOwned(ownerId, id) : undefined;
        },
      );
    },

    /** Per-item state, timeline, deadlines and the predicted completion date, in working days. */
    async progress(ownerId: string, id: string) {
      const doc = await getOwned(ownerId, id);
      const now = deps.now();
      const data = maskData(openData(doc.data, crypto));
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
        timeline: doc.timeline.map((t) => ({
          ...t,
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
