import { createHash } from 'node:crypto';
import {
  DEPARTMENTS,
  DepartmentEvent,
  ITEM_CATALOGUE,
  ITEM_KEYS,
  ITEM_STATES,
  ITEM_STATE_LABELS,
  allowedEvents,
  deriveApplicationStatus,
  formatZodIssues,
  isItemKey,
  maskIdNumber,
  maskPhone,
  nextState,
  type DepartmentCode,
  type ItemKey,
  type ItemState,
  type WorkingCalendar,
} from '@birth/shared';
import type { Principal } from '../../libraries/auth';
import type { FieldCrypto } from '../../libraries/crypto';
import { AppError, notFound, validationFailed, type FieldError } from '../../libraries/errors';
import type { ApplicationDoc, ItemRecord, TimelineEntry } from '../applications/application.model';
import { noticeEntry } from '../applications/application.notices';
import { openData, openOutputs, pick } from '../applications/application.data';
import { queuedDepartments } from '../applications/application.dispatch';
import type { ApplicationsRepository } from '../applications/applications.repository';
import { ratingInvitations } from '../ratings';
import { eventEffect, type NoticeSettings } from './events';
import type { AttachmentsService } from '../attachments/attachments.service';
import { SHARED_OUTPUTS, TASK_VIEWS } from './task.views';

type Obj = Record<string, unknown>;

export type TasksDeps = {
  repo: ApplicationsRepository;
  crypto: FieldCrypto;
  calendar: WorkingCalendar;
  now: () => Date;
  /** The photos and licences each task lists (kind, id, size; never bytes). */
  attachments?: Pick<AttachmentsService, 'forTasks'>;
  /** What notices take from configuration (the medical-insurance payment prompt's amount and deadline). */
  noticeSettings?: NoticeSettings;
};

const taskIdOf = (applicationId: string, itemKey: ItemKey) => `${applicationId}.${itemKey}`;
function parseTaskId(taskId: string): { applicationId: string; itemKey: ItemKey } | null {
  const dot = taskId.lastIndexOf('.');
  const itemKey = taskId.slice(dot + 1);
  if (dot <= 0 || !isItemKey(itemKey)) return null;
  return { applicationId: taskId.slice(0, dot), itemKey };
}

const NOTICE: Partial<Record<ItemState, string>> = {
  accepted: 'item_accepted',
  rejected: 'item_rejected',
  completed: 'item_completed',
  shipped: 'item_shipped',
  ready_for_pickup: 'item_ready_for_pickup',
  delivered: 'item_delivered',
};

/** What a department may see: everything from dispatch on. `waiting` items are not theirs yet. */
const VISIBLE_STATES = ITEM_STATES.filter((s) => s !== 'waiting');
/** The default queue: items the department still has work on. */
const ACTIVE_STATES: ItemState[] = ['dispatched', 'accepted', 'completed', 'shipped', 'ready_for_pickup'];

const encodeCursor = (submittedAt: Date, id: string) =>
  Buffer.from(JSON.stringify([submittedAt.toISOString(), id])).toString('base64url');
function decodeCursor(cursor: string): { submittedAt: Date; id: string } | undefined {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const submittedAt = new Date(at);
    return typeof id === 'string' && id.length <= 64 && !Number.isNaN(submittedAt.getTime()) ? { submittedAt, id } : undefined;
  } catch {
    return undefined;
  }
}

export function createTasksService(deps: TasksDeps) {
  const { repo, crypto } = deps;

  /** The department's view of one item. `full` shows identifiers in clear (one task, audited); lists mask them. */
  function taskView(doc: ApplicationDoc, itemKey: ItemKey, full: boolean) {
    const item = doc.items[itemKey] as ItemRecord;
    const spec = TASK_VIEWS[itemKey];
    const data = openData(doc.data, crypto);
    const shown = pick(data, spec.data);
    if (spec.guardian) {
      const household = data.household as Obj | undefined;
      const who = household?.registerWith === 'father' ? 'father' : 'mother';
      shown.guardian = { relationship: who, ...pick((data[who] as Obj) ?? {}, ['name', 'idType', 'idNumber', 'phone']) };
    }
    const upstream: Obj = {};
    for (const from of spec.outputsFrom) {
      const outputs = openOutputs(doc.items[from]?.outputs, crypto);
      for (const field of SHARED_OUTPUTS[from] ?? []) if (outputs[field]) upstream[field] = outputs[field];
    }
    const view = {
      taskId: taskIdOf(doc._id, itemKey),
      applicationId: doc._id,
      itemKey,
      itemName: ITEM_CATALOGUE[itemKey].name,
      department: item.department,
      state: item.state,
      stateLabel: ITEM_STATE_LABELS[item.state],
      allowedEvents: allowedEvents(itemKey, item.state, 'department'),
      dispatchedAt: item.dispatchedAt?.toISOString(),
      dueAt: item.dueAt?.toISOString(),
      submittedAt: doc.submittedAt?.toISOString(),
      rejection: item.rejection ? { reasons: item.rejection.reasons, at: item.rejection.at.toISOString() } : undefined,
      resubmissions: item.resubmissions ?? 0,
      outputs: openOutputs(item.outputs, crypto),
      upstream,
      data: shown,
    };
    return full ? view : maskView(view);
  }

  function maskView<T extends { data: Obj; upstream: Obj; outputs: Record<string, string> }>(view: T): T {
    const walk = (value: unknown, key = ''): unknown => {
      if (typeof value === 'string') {
        if (/idNumber$/i.test(key)) return maskIdNumber(value);
        if (/phone$/i.test(key)) return maskPhone(value);
        return value;
      }
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        return Object.fromEntries(Object.entries(value as Obj).map(([k, v]) => [k, walk(v, k)]));
      }
      return value;
    };
    return {
      ...view,
      data: walk(view.data) as Obj,
      upstream: walk(view.upstream) as Obj,
      outputs: walk(view.outputs) as Record<string, string>,
    };
  }

  /** The task in an application as it is; another department's, a draft's or a waiting item is "not found". */
  function taskOf(doc: ApplicationDoc | null, department: DepartmentCode, taskId: string) {
    const parsed = parseTaskId(taskId);
    // Another department's task is "not found": departments must not learn which applications exist.
    if (!parsed || ITEM_CATALOGUE[parsed.itemKey].department !== department) throw notFound('该任务');
    const item = doc?.items[parsed.itemKey];
    if (!doc || doc.status === 'draft' || doc.status === 'withdrawn' || !item || item.state === 'waiting')
      throw notFound('该任务');
    return { doc, itemKey: parsed.itemKey };
  }

  async function loadTask(department: DepartmentCode, taskId: string) {
    const parsed = parseTaskId(taskId);
    return taskOf(parsed ? await repo.findById(parsed.applicationId) : null, department, taskId);
  }

  return {
    /**
     * The department's work queue: by default every item it still has work on, oldest submission first,
     * a page at a time (`nextCursor`). Items still `waiting` are never shown: they are not the
     * department's until dispatched, and neither is the family's data.
     */
    async list(principal: Principal, query: { status?: string; limit?: string; cursor?: string }) {
      const department = principal.department!;
      const errors: FieldError[] = [];
      if (query.status !== undefined && !(VISIBLE_STATES as readonly string[]).includes(query.status)) {
        errors.push({ path: 'query.status', message: `status 应为：${VISIBLE_STATES.join('、')}` });
      }
      const limit = query.limit === undefined ? 50 : Number(query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 200)
        errors.push({ path: 'query.limit', message: 'limit 应为 1–200 之间的整数' });
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      if (query.cursor !== undefined && !after)
        errors.push({ path: 'query.cursor', message: 'cursor 无效，请使用上一页返回的 nextCursor' });
      if (errors.length) throw validationFailed(errors);
      const states = query.status ? [query.status as ItemState] : ACTIVE_STATES;
      const docs = await repo.findTasks(department, states, after, limit);
      const photos = await deps.attachments?.forTasks(
        docs.map((d) => d._id),
        false,
      );
      const tasks = docs.flatMap((doc) =>
        ITEM_KEYS.filter(
          (k) => ITEM_CATALOGUE[k].department === department && doc.items[k] && states.includes(doc.items[k]!.state),
        ).map((k) => ({ ...taskView(doc, k, false), ...photos?.(doc._id, k) })),
      );
      const last = docs[docs.length - 1];
      const nextCursor = docs.length === limit && last?.submittedAt ? encodeCursor(last.submittedAt, last._id) : undefined;
      // A list shows names and birth data too (identifiers masked): every application shown is audited.
      const at = deps.now();
      await repo.audit(
        ...tasks.map((t) => ({
          at,
          actor: principal.sub,
          role: principal.role,
          department,
          action: 'task.list',
          applicationId: t.applicationId,
          itemKey: t.itemKey,
          fields: [...TASK_VIEWS[t.itemKey].data, ...(TASK_VIEWS[t.itemKey].guardian ? ['guardian'] : [])],
        })),
      );
      return { department, departmentName: DEPARTMENTS[department].name, tasks, nextCursor };
    },

    /** One task with identifiers in clear, for the officer handling it; every such read is audited. */
    async get(principal: Principal, taskId: string) {
      const { doc, itemKey } = await loadTask(principal.department!, taskId);
      const photos = await deps.attachments?.forTasks([doc._id], true);
      const view = { ...taskView(doc, itemKey, true), ...photos?.(doc._id, itemKey) };
      await repo.audit({
        at: deps.now(),
        actor: principal.sub,
        role: principal.role,
        department: principal.department,
        action: 'task.read',
        applicationId: doc._id,
        itemKey,
        fields: [...TASK_VIEWS[itemKey].data, ...(TASK_VIEWS[itemKey].guardian ? ['guardian'] : [])],
      });
      return view;
    },

    /** Applies a department event: idempotent by eventId, an illegal transition is 409 and changes nothing. */
    async applyEvent(principal: Principal, taskId: string, body: unknown) {
      const department = principal.department!;
      const parsed = DepartmentEvent.safeParse(body);
      if (!parsed.success) throw validationFailed(formatZodIssues(parsed.error));
      const event = parsed.data;
      const hash = createHash('sha256').update(JSON.stringify(event)).digest('base64url');
      const readAt = Date.now();
      const { doc: first, itemKey } = await loadTask(department, taskId);

      // Decided first on the read above (the live application as the write path loads it): one read less,
      // unless someone changed it meanwhile.
      const out = await repo.changeFrom({ doc: first, readAt }, (doc) => {
        const { itemKey: key } = taskOf(doc, department, taskId);
        // eventIds are the department's, unique per task: the same id on another item is another event.
        const prior = doc!.eventLog.find((e) => e.id === event.eventId && e.itemKey === key);
        if (prior) {
          if (prior.hash !== hash)
            throw new AppError('IDEMPOTENCY_KEY_REUSED', '该 eventId 已用于内容不同的事件，请为新事件生成新的 eventId');
          return { result: true }; // replayed
        }
        const item = doc!.items[key]!;
        const to = nextState(key, item.state, event.type, 'department');
        if (!to) {
          const allowed = allowedEvents(key, item.state, 'department');
          throw new AppError(
            'CONFLICT',
            `“${ITEM_CATALOGUE[key].name}”当前为“${ITEM_STATE_LABELS[item.state]}”，不能执行 ${event.type}；可执行：${allowed.join('、') || '无'}`,
            { currentState: item.state, allowedEvents: allowed },
          );
        }
        const now = deps.now();
        const items: Partial<Record<ItemKey, ItemRecord>> = { ...doc!.items, [key]: { ...item, state: to } };
        const effect = eventEffect({
          doc: doc!,
          itemKey: key,
          item,
          event,
          items,
          now,
          crypto,
          calendar: deps.calendar,
          notices: deps.noticeSettings,
        });
        const entry: TimelineEntry = { at: now, itemKey: key, event: event.type, actor: 'department', state: to };
        if (effect.note) entry.note = effect.note;
        const template = NOTICE[to];
        return {
          update: {
            $set: { [`items.${key}.state`]: to, updatedAt: now, ...effect.set, status: deriveApplicationStatus(items) },
            $push: {
              timeline: { $each: [entry, ...(effect.timeline ?? [])] },
              eventLog: { id: event.eventId, itemKey: key, hash },
            },
          },
          // Work queues of the departments whose items this change dispatches (completing unlocks the next).
          queues: queuedDepartments(items),
          notices: [
            ...(template
              ? [
                  noticeEntry(
                    template,
                    now,
                    doc!._id,
                    `${key}|${event.eventId}`,
                    {
                      itemName: ITEM_CATALOGUE[key].name,
                      ...effect.params,
                    },
                    key,
                  ),
                ]
              : []),
            ...(effect.notices ?? []),
            // 好差评 invitations (first 受理, all items done) go out with the change that causes them.
            ...ratingInvitations(doc!, { firstAcceptance: event.type === 'accept', status: deriveApplicationStatus(items) }, now),
          ],
          result: false,
        };
      });
      return { replayed: out.result, task: taskView(out.doc!, itemKey, false) };
    },

    /** Operators: items overdue or due within `withinHours`, grouped by department. */
    async sla(withinHours: number) {
      const now = deps.now();
      const horizon = new Date(now.getTime() + withinHours * 3600_000);
      const docs = await repo.findDueItems(horizon);
      const byDept = new Map<DepartmentCode, { overdue: Obj[]; dueSoon: Obj[] }>();
      for (const doc of docs) {
        for (const key of ITEM_KEYS) {
          const item = doc.items[key];
          if (!item?.dueAt || (item.state !== 'dispatched' && item.state !== 'accepted') || item.dueAt >= horizon) continue;
          const group = byDept.get(item.department) ?? { overdue: [], dueSoon: [] };
          byDept.set(item.department, group);
          const entry = {
            taskId: taskIdOf(doc._id, key),
            applicationId: doc._id,
            itemKey: key,
            itemName: ITEM_CATALOGUE[key].name,
            state: item.state,
            dispatchedAt: item.dispatchedAt?.toISOString(),
            dueAt: item.dueAt.toISOString(),
            hoursLate: item.dueAt < now ? Math.round((now.getTime() - item.dueAt.getTime()) / 360_000) / 10 : undefined,
          };
          (item.dueAt < now ? group.overdue : group.dueSoon).push(entry);
        }
      }
      // Deadlines reach up to a month ahead: a year whose holiday schedule is unknown falls back to Mon–Fri.
      const uncovered = deps.calendar.uncoveredYears([now, new Date(now.getTime() + 31 * 86400_000)]);
      return {
        asOf: now.toISOString(),
        withinHours,
        calendarWarnings: uncovered.map(
          (y) => `${y} 年的法定节假日和调休安排尚未录入，期限暂按周一至周五计算；请在 CALENDAR_OVERRIDES 中补充`,
        ),
        departments: [...byDept.entries()].map(([code, g]) => ({
          department: code,
          departmentName: DEPARTMENTS[code].name,
          overdueCount: g.overdue.length,
          dueSoonCount: g.dueSoon.length,
          ...g,
        })),
      };
    },
  };
}

export type TasksService = ReturnType<typeof createTasksService>;
