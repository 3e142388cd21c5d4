import { createHash } from 'node:crypto';
import {
  APPEAL_REASON_LABELS,
  AppealDecisionInput,
  DEPARTMENTS,
  DEPARTMENT_CODES,
  ITEM_CATALOGUE,
  ITEM_KEYS,
  RATING_CALLBACK_DAYS,
  RATING_CASE_EVENT_LABELS,
  RATING_CASE_STATUSES,
  RATING_CASE_STATUS_LABELS,
  RATING_FEEDBACK_DAYS,
  RATING_LEVEL_LABELS,
  RATING_STAGES,
  RATING_STAGE_LABELS,
  RatingCaseEvent,
  allowedRatingCaseEvents,
  formatZodIssues,
  isBadRating,
  ratingCaseEventRefusal,
  ratingCaseStatus,
  ratingInputSchema,
  ratingTagLabel,
  type DepartmentCode,
  type FollowUpRatingInput,
  type ItemKey,
  type RatingCaseStatus,
  type RatingStage,
  type StageRatingInput,
  type WorkingCalendar,
} from '@birth/shared';
import type { Principal } from '../../libraries/auth';
import type { FieldCrypto } from '../../libraries/crypto';
import { AppError, notFound, validationFailed, type FieldError } from '../../libraries/errors';
import { openData } from '../applications/application.data';
import type { ApplicationDoc, OutboxEntry } from '../applications/application.model';
import type { ApplicationsRepository } from '../applications/applications.repository';
import type { Deliver } from '../notifications';
import { CASE_EVENT_HANDLERS } from './case-events';
import { caseNoticeId, ratingIds } from './rating.ids';
import type { CaseNotice, RatingCaseDoc, RatingDoc } from './rating.model';
import type { RatingsRepository } from './ratings.repository';
import { CASE_LIST_LIMIT } from './ratings.repository';
import { createRatingStats, isCaseOverdue } from './ratings.stats';

export const RATING_APPEAL_UPHELD = 'rating_appeal_upheld';

export type RatingsDeps = {
  repo: RatingsRepository;
  /** Applications are read, and their outbox appended to, only through their repository's versioned writes. */
  applications: Pick<ApplicationsRepository, 'findById' | 'findOwned' | 'findAnywhere' | 'change' | 'audit'>;
  /**
   * Delivers a notice of an archived application (which has no live outbox to append to): exactly once by
   * the notice id, like the relay's deliveries; a failure is retried by the upkeep.
   */
  deliverArchived?: Deliver;
  crypto: FieldCrypto;
  calendar: WorkingCalendar;
  now: () => Date;
  /** Case deadlines count calendar days (as Zhejiang reports them) or working days. */
  dayUnit?: 'calendar' | 'working';
  callbackDays?: number;
  feedbackDays?: number;
};

type Obj = Record<string, unknown>;
/** A writer that has not finished a rating's effects or a case's notices after this long has died. */
const RECONCILE_AFTER_MS = 30_000;
const PHONE_CONTEXT = 'rating.callbackPhone';

const iso = (d?: Date | null) => (d ? new Date(d).toISOString() : undefined);

export function createRatingsService(deps: RatingsDeps) {
  const { repo, applications, crypto } = deps;
  const ids = ratingIds(crypto);
  const dayUnit = deps.dayUnit ?? 'calendar';

  function dueAfter(from: Date, days: number): Date {
    return dayUnit === 'working' ? deps.calendar.addWorkingDays(from, days) : new Date(from.getTime() + days * 86400_000);
  }

  // --- views -------------------------------------------------------------------------------------

  const tagsView = (r: Pick<RatingDoc, 'level' | 'tags'>) =>
    r.tags.map((code) => ({ code, label: ratingTagLabel(r.level, code) ?? code }));
  const itemsView = (items: ItemKey[]) => items.map((key) => ({ key, name: ITEM_CATALOGUE[key].name }));

  /** What anyone may see of a rating's substance: never who gave it. */
  function ratingBody(r: RatingDoc) {
    return {
      kind: r.kind,
      stage: r.stage,
      stageLabel: RATING_STAGE_LABELS[r.stage],
      level: r.level,
      levelLabel: RATING_LEVEL_LABELS[r.level],
      bad: r.bad,
      tags: tagsView(r),
      comment: r.comment ?? null,
      items: itemsView(r.items),
      createdAt: new Date(r.createdAt).toISOString(),
    };
  }

  function caseView(c: RatingCaseDoc, rating: RatingDoc | null, audience: 'department' | 'operator') {
    const now = deps.now();
    const overdue = isCaseOverdue(c, now);
    return {
      caseId: c._id,
      ratingId: c.ratingId,
      ...(audience === 'operator' ? { applicationId: c.applicationId } : {}),
      department: c.department,
      departmentName: DEPARTMENTS[c.department].name,
      status: c.status,
      statusLabel: RATING_CASE_STATUS_LABELS[c.status],
      rating: rating ? ratingBody(rating) : null,
      items: itemsView(c.items),
      openedAt: iso(c.openedAt),
      callbackDueAt: iso(c.callbackDueAt),
      feedbackDueAt: iso(c.feedbackDueAt),
      overdue: overdue.callback || overdue.feedback,
      callbackOverdue: overdue.callback,
      feedbackOverdue: overdue.feedback,
      callback: c.callback ? { reached: c.callback.reached, note: c.callback.note, at: iso(c.callback.at) } : null,
      rectification: c.rectification ? { measures: c.rectification.measures, at: iso(c.rectification.at) } : null,
      feedback: c.feedback ? { message: c.feedback.message, at: iso(c.feedback.at) } : null,
      appeal: c.appeal
        ? {
            reason: c.appeal.reason,
            reasonLabel: APPEAL_REASON_LABELS[c.appeal.reason],
            note: c.appeal.note,
            at: iso(c.appeal.at),
            state: c.appeal.state,
            decidedAt: iso(c.appeal.decidedAt),
            decisionNote: c.appeal.decisionNote ?? null,
          }
        : null,
      followUpAt: iso(c.followUpAt) ?? null,
      allowedEvents: allowedRatingCaseEvents(c),
    };
  }

  /** The parent's view of the handling of their bad rating: no rectification internals, no appeal details unless upheld. */
  const parentCaseView = (c: RatingCaseDoc) => ({
    department: c.department,
    departmentName: DEPARTMENTS[c.department].name,
    status: c.status,
    statusLabel: RATING_CASE_STATUS_LABELS[c.status],
    callbackDueAt: iso(c.callbackDueAt),
    feedbackDueAt: iso(c.feedbackDueAt),
    calledBackAt: iso(c.callback?.at) ?? null,
    feedback: c.feedback ? { message: c.feedback.message, at: iso(c.feedback.at) } : null,
    appealUpheld: c.appeal?.state === 'upheld',
  });

  // --- shared steps --------------------------------------------------------------------------------

  async function getOwnedApplication(ownerId: string, id: string): Promise<ApplicationDoc> {
    const doc = await applications.findOwned(id, ownerId);
    if (!doc || doc.status === 'draft' || doc.status === 'withdrawn') throw notFound('该申请');
    return doc;
  }

  const stageReached = (doc: ApplicationDoc, stage: RatingStage) =>
    stage === 'accepted' ? !!doc.acceptedAt : doc.status === 'completed';

  /** The phone of the parent the newborn registers with, else either parent's (as notices use). */
  function applicationPhone(doc: ApplicationDoc): string | undefined {
    const data = openData(doc.data, crypto);
    const first = (data.household as Obj | undefined)?.registerWith === 'father' ? 'father' : 'mother';
    for (const who of [first, first === 'father' ? 'mother' : 'father']) {
      const phone = (data[who] as Obj | undefined)?.phone;
      if (typeof phone === 'string' && phone) return phone;
    }
    return undefined;
  }

  /**
   * Appends notices to the application's outbox through its one write path, skipping any already there
   * (ids are deterministic), so forwarding twice never notifies twice. False when the application stayed busy.
   */
  async function pushToOutbox(applicationId: string, notices: CaseNotice[]): Promise<boolean> {
    const entryOf = (n: CaseNotice, now: Date): OutboxEntry => ({
      id: n.id,
      kind: 'notify',
      template: n.template,
      params: n.params,
      state: 'pending',
      attempts: 0,
      nextAt: now,
      createdAt: now,
    });
    let live = true;
    try {
      await applications.change(applicationId, (app) => {
        live = !!app;
        const missing = app ? notices.filter((n) => !app.outbox.some((e) => e.id === n.id)) : [];
        if (!missing.length) return { result: true };
        const now = deps.now();
        return { update: {}, notices: missing.map((n) => entryOf(n, now)), result: true };
      });
    } catch (err) {
      if (err instanceof AppError && err.code === 'CONFLICT') return false;
      throw err;
    }
    if (live) return true;
    // Finished applications move to the archive, where nothing changes any more: the notice goes out directly.
    const archived = await applications.findAnywhere(applicationId);
    if (!archived || !deps.deliverArchived) return true;
    try {
      for (const n of notices) await deps.deliverArchived(entryOf(n, deps.now()), archived);
      return true;
    } catch {
      return false; // left pending: the upkeep tries again
    }
  }

  /** Moves a case's notices into the application's outbox, then clears its flag (reconcile retries what is left). */
  async function forwardNotices(c: RatingCaseDoc): Promise<void> {
    if (!c.noticesPending) return;
    if (!(await pushToOutbox(c.applicationId, c.notices))) return;
    try {
      await repo.changeCase(c._id, (current) =>
        // A later writer added notices: it forwards them and clears the flag itself.
        !current?.noticesPending || current.notices.length !== c.notices.length
          ? { result: undefined }
          : { update: { $set: { noticesPending: false } }, result: undefined },
      );
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'CONFLICT')) throw err;
    }
  }

  type CaseDecision = { done: true } | { set: Obj; notices: CaseNotice[]; log?: { id: string; hash: string } };

  /**
   * A change of a case through its versioned writer: `visible` checks the case may be seen (or throws),
   * `decide` returns the change, or `done` for a replay (or throws to refuse). Notices the change causes are
   * written with it and then forwarded into the application's outbox.
   */
  async function changeCase(
    id: string,
    visible: (c: RatingCaseDoc | null) => RatingCaseDoc,
    decide: (c: RatingCaseDoc, now: Date) => CaseDecision,
  ): Promise<{ doc: RatingCaseDoc; replayed: boolean }> {
    const out = await repo.changeCase<boolean>(id, (found) => {
      const c = visible(found);
      const now = deps.now();
      const decision = decide(c, now);
      if ('done' in decision) return { result: true };
      const next = { ...c, ...decision.set } as RatingCaseDoc;
      const set: Obj = { ...decision.set, status: ratingCaseStatus(next), updatedAt: now };
      if (decision.notices.length) set.noticesPending = true;
      const push: Obj = {};
      if (decision.log) push.eventLog = decision.log;
      if (decision.notices.length) push.notices = { $each: decision.notices };
      return { update: { $set: set, ...(Object.keys(push).length ? { $push: push } : {}) }, result: false };
    });
    // A replay also finishes forwarding what a crashed first attempt may have left.
    await forwardNotices(out.doc!);
    return { doc: (await repo.findCase(id)) ?? out.doc!, replayed: out.result };
  }

  const existing = (c: RatingCaseDoc | null) => {
    if (!c) throw notFound('该差评工单');
    return c;
  };

  /** Opens one case per department concerned by a bad rating (inserts; a retry finds them there). */
  async function openCases(r: RatingDoc): Promise<void> {
    const openedAt = new Date(r.createdAt);
    for (const department of r.departments) {
      const c: RatingCaseDoc = {
        _id: ids.case(r.applicationId, r.stage, department),
        version: 1,
        ratingId: r._id,
        applicationId: r.applicationId,
        stage: r.stage,
        department,
        items: r.items.filter((k) => ITEM_CATALOGUE[k].department === department),
        level: r.level,
        status: 'awaiting_callback',
        openedAt,
        callbackDueAt: dueAfter(openedAt, deps.callbackDays ?? RATING_CALLBACK_DAYS),
        feedbackDueAt: dueAfter(openedAt, deps.feedbackDays ?? RATING_FEEDBACK_DAYS),
        eventLog: [],
        notices: [],
        noticesPending: false,
        updatedAt: openedAt,
      };
      await repo.insertCase(c);
    }
  }

  /** A follow-up ends the loop for the departments that fed back: their cases close. */
  async function closeCases(followUp: RatingDoc): Promise<void> {
    const original = await repo.findRating(ids.stage(followUp.applicationId, followUp.stage));
    if (!original) return;
    for (const c of await repo.listCasesOfRating(original._id)) {
      if (!c.feedback || c.followUpAt || c.appeal?.state === 'upheld') continue;
      await changeCase(c._id, existing, (current) =>
        current.followUpAt || current.appeal?.state === 'upheld'
          ? { done: true }
          : { set: { followUpAt: new Date(followUp.createdAt) }, notices: [] },
      );
    }
  }

  async function applyEffects(r: RatingDoc): Promise<void> {
    if (r.kind === 'stage' && r.bad) await openCases(r);
    if (r.kind === 'follow_up') await closeCases(r);
    await repo.markEffectsDone(r._id);
  }

  // --- parents -------------------------------------------------------------------------------------

  async function rateStage(ownerId: string, doc: ApplicationDoc, input: StageRatingInput) {
    if (!stageReached(doc, input.stage)) {
      throw new AppError(
        'CONFLICT',
        input.stage === 'accepted'
          ? '申请还没有事项被受理，受理后即可评价受理服务'
          : '申请的事项还没有全部办结，全部办结后即可评价办结服务',
        { stage: input.stage, reached: false },
      );
    }
    const chosen = [...new Set(input.items ?? [])];
    const errors: FieldError[] = [];
    chosen.forEach((k, i) => {
      if (doc.items[k]?.state === 'waiting')
        errors.push({ path: `items.${i}`, message: `“${ITEM_CATALOGUE[k].name}”还在等待前一事项办结，尚未开始办理，暂不能评价` });
      else if (!doc.items[k])
        errors.push({ path: `items.${i}`, message: `本申请没有办理“${ITEM_CATALOGUE[k].name}”，请从申请的事项中选择` });
    });
    if (errors.length) throw validationFailed(errors, '评价涉及的事项有误，请重新选择');
    // Without a choice: what the stage is about — the items accepted so far, or every item at completion.
    const items = chosen.length
      ? ITEM_KEYS.filter((k) => chosen.includes(k))
      : ITEM_KEYS.filter((k) => doc.items[k] && (input.stage === 'completed' || doc.items[k]!.acceptedAt));
    const departments = DEPARTMENT_CODES.filter((d) => items.some((k) => ITEM_CATALOGUE[k].department === d));
    const bad = isBadRating(input.level);
    const phone = bad ? (input.callbackPhone ?? applicationPhone(doc)) : undefined;
    const rating: RatingDoc = {
      _id: ids.stage(doc._id, input.stage),
      applicationId: doc._id,
      ownerId,
      kind: 'stage',
      stage: input.stage,
      level: input.level,
      tags: input.tags ?? [],
      ...(input.comment ? { comment: input.comment } : {}),
      items,
      departments,
      bad,
      ...(phone ? { callbackPhone: crypto.seal(phone, PHONE_CONTEXT) } : {}),
      effectsDone: !bad,
      createdAt: deps.now(),
    };
    if (!(await repo.insertRating(rating))) {
      throw new AppError('CONFLICT', `您已评价过${RATING_STAGE_LABELS[input.stage]}服务，每个阶段只能评价一次`, {
        stage: input.stage,
      });
    }
    if (bad) await applyEffects(rating);
    return rating;
  }

  async function rateFollowUp(ownerId: string, doc: ApplicationDoc, input: FollowUpRatingInput) {
    const original = await repo.findRating(ids.stage(doc._id, input.of));
    if (!original) throw new AppError('CONFLICT', `您还没有评价${RATING_STAGE_LABELS[input.of]}服务，请先评价`);
    if (!original.bad) throw new AppError('CONFLICT', '只有差评在部门反馈整改情况后可以追评');
    const cases = await repo.listCasesOfRating(original._id);
    if (!cases.some((c) => c.feedback)) throw new AppError('CONFLICT', '部门尚未反馈整改情况，收到整改反馈后即可追评');
    const followUp: RatingDoc = {
      _id: ids.followUp(doc._id, input.of),
      applicationId: doc._id,
      ownerId,
      kind: 'follow_up',
      stage: input.of,
      level: input.level,
      tags: input.tags ?? [],
      ...(input.comment ? { comment: input.comment } : {}),
      items: original.items,
      departments: original.departments,
      bad: isBadRating(input.level),
      effectsDone: false,
      createdAt: deps.now(),
    };
    if (!(await repo.insertRating(followUp))) throw new AppError('CONFLICT', '每条评价只能追评一次，您已追评过');
    await applyEffects(followUp);
    return followUp;
  }

  async function parentView(doc: ApplicationDoc) {
    const ratings = await repo.listRatingsOfApplication(doc._id);
    const cases = await repo.listCasesOfApplication(doc._id);
    const stageRatings = ratings.filter((r) => r.kind === 'stage');
    return {
      applicationId: doc._id,
      stages: RATING_STAGES.map((stage) => {
        const rated = stageRatings.find((r) => r.stage === stage);
        const followUp = ratings.find((r) => r.kind === 'follow_up' && r.stage === stage);
        const its = rated ? cases.filter((c) => c.ratingId === rated._id) : [];
        return {
          stage,
          stageLabel: RATING_STAGE_LABELS[stage],
          reached: stageReached(doc, stage),
          rated: !!rated,
          rating: rated ? { id: rated._id, ...ratingBody(rated) } : null,
          cases: its.map(parentCaseView),
          followUp: followUp ? { id: followUp._id, ...ratingBody(followUp) } : null,
          canFollowUp: !!rated?.bad && !followUp && its.some((c) => c.feedback),
        };
      }),
    };
  }

  // --- departments ---------------------------------------------------------------------------------

  async function getDepartmentCase(department: DepartmentCode, caseId: string): Promise<RatingCaseDoc> {
    // Another department's case is "not found": cases must not reveal what exists elsewhere.
    const c = typeof caseId === 'string' && caseId.length <= 100 ? await repo.findCase(caseId) : null;
    if (!c || c.department !== department) throw notFound('该差评工单');
    return c;
  }

  function parseLimit(raw: unknown, errors: FieldError[]): number {
    const limit = raw === undefined ? 50 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      errors.push({ path: 'query.limit', message: 'limit 应为 1–200 之间的整数' });
    return limit;
  }

  function parseStatus(raw: unknown, errors: FieldError[]): RatingCaseStatus | undefined {
    if (raw === undefined) return undefined;
    if (!(RATING_CASE_STATUSES as readonly unknown[]).includes(raw)) {
      errors.push({ path: 'query.status', message: `status 应为：${RATING_CASE_STATUSES.join('、')}` });
      return undefined;
    }
    return raw as RatingCaseStatus;
  }

  function parseDate(raw: unknown, path: string, errors: FieldError[]): Date | undefined {
    if (raw === undefined) return undefined;
    const text = String(raw);
    const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00+08:00`) : new Date(text);
    if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
      errors.push({ path, message: `${path.split('.').pop()} 应为日期（YYYY-MM-DD，北京时间）或 ISO 8601 时间` });
      return undefined;
    }
    return date;
  }

  return {
    /** `POST /api/v1/applications/:id/ratings`: a stage rating, or the one 追评 (`stage: "follow_up"`). */
    async rate(ownerId: string, applicationId: string, body: unknown) {
      const parsed = ratingInputSchema(body).safeParse(body);
      if (!parsed.success) throw validationFailed(formatZodIssues(parsed.error), '评价内容有误，请按提示修改');
      const doc = await getOwnedApplication(ownerId, applicationId);
      const input = parsed.data;
      const rating = input.stage === 'follow_up' ? await rateFollowUp(ownerId, doc, input) : await rateStage(ownerId, doc, input);
      return { id: rating._id, ...ratingBody(rating), ratings: await parentView(doc) };
    },

    /** `GET /api/v1/applications/:id/ratings`: each stage, whether it can be rated, the rating and its handling. */
    async listForParent(ownerId: string, applicationId: string) {
      return parentView(await getOwnedApplication(ownerId, applicationId));
    },

    /** `GET /api/v1/dept/ratings`: ratings of this department's items, newest first, with nobody's identity. */
    async listForDepartment(principal: Principal, query: { limit?: unknown; before?: unknown }) {
      const department = principal.department!;
      const errors: FieldError[] = [];
      const limit = parseLimit(query.limit, errors);
      const before = parseDate(query.before, 'query.before', errors);
      if (errors.length) throw validationFailed(errors);
      const ratings = await repo.listRatingsOfDepartment(department, before, limit);
      const originals = ratings.filter((r) => r.kind === 'stage').map((r) => r._id);
      const cases = (await repo.listCasesOfRatings(originals)).filter((c) => c.department === department);
      const last = ratings[ratings.length - 1];
      return {
        department,
        departmentName: DEPARTMENTS[department].name,
        ratings: ratings.map((r) => {
          const c = cases.find((x) => x.ratingId === r._id);
          const body = ratingBody(r);
          return {
            ratingId: r._id,
            ...body,
            // Only this department's items of the rating.
            items: body.items.filter((i) => ITEM_CATALOGUE[i.key].department === department),
            caseId: c?._id ?? null,
            caseStatus: c?.status ?? null,
          };
        }),
        nextBefore: ratings.length === limit && last ? new Date(last.createdAt).toISOString() : undefined,
      };
    },

    /** `GET /api/v1/dept/ratings/cases`: this department's cases; by default the ones it still has to act on. */
    async listCasesForDepartment(principal: Principal, query: { status?: unknown }) {
      const department = principal.department!;
      const errors: FieldError[] = [];
      const status = parseStatus(query.status, errors);
      if (errors.length) throw validationFailed(errors);
      const cases = await repo.listCases({
        department,
        statuses: status ? [status] : ['awaiting_callback', 'rectifying'],
      });
      const ratings = await Promise.all(cases.map((c) => repo.findRating(c.ratingId)));
      return {
        department,
        departmentName: DEPARTMENTS[department].name,
        cases: cases.map((c, i) => caseView(c, ratings[i], 'department')),
      };
    },

    async getCaseForDepartment(principal: Principal, caseId: string) {
      const c = await getDepartmentCase(principal.department!, caseId);
      return caseView(c, await repo.findRating(c.ratingId), 'department');
    },

    /**
     * The call-back number, to the case's department only, while the case is open; every read is recorded
     * in the audit log. Never part of any list.
     */
    async callbackContact(principal: Principal, caseId: string) {
      const c = await getDepartmentCase(principal.department!, caseId);
      if (c.status === 'closed' || c.status === 'appeal_upheld')
        throw new AppError('CONFLICT', '该差评处理已结束，不再提供回访电话');
      const rating = await repo.findRating(c.ratingId);
      if (!rating?.callbackPhone) throw new AppError('CONFLICT', '评价人未留下可回访的电话');
      await applications.audit({
        at: deps.now(),
        actor: principal.sub,
        role: principal.role,
        department: principal.department,
        action: 'rating.callback_contact',
        applicationId: c.applicationId,
        fields: ['callbackPhone'],
      });
      return {
        caseId: c._id,
        callbackPhone: crypto.open(rating.callbackPhone, PHONE_CONTEXT),
        callbackDueAt: iso(c.callbackDueAt),
      };
    },

    /** `POST /api/v1/dept/ratings/cases/:caseId/events`: idempotent by eventId; a step out of order is 409. */
    async applyCaseEvent(principal: Principal, caseId: string, body: unknown) {
      const department = principal.department!;
      const parsed = RatingCaseEvent.safeParse(body);
      if (!parsed.success) throw validationFailed(formatZodIssues(parsed.error), '事件内容有误，请按提示修改');
      const event = parsed.data;
      const hash = createHash('sha256').update(JSON.stringify(event)).digest('base64url');
      const { doc, replayed } = await changeCase(
        caseId,
        (c) => {
          // Another department's case is "not found", as in getDepartmentCase.
          if (!c || c.department !== department) throw notFound('该差评工单');
          return c;
        },
        (c, now) => {
          const prior = c.eventLog.find((e) => e.id === event.eventId);
          if (prior) {
            if (prior.hash !== hash)
              throw new AppError('IDEMPOTENCY_KEY_REUSED', '该 eventId 已用于内容不同的事件，请为新事件生成新的 eventId');
            return { done: true };
          }
          const refusal = ratingCaseEventRefusal(c, event.type);
          if (refusal) {
            throw new AppError('CONFLICT', `不能${RATING_CASE_EVENT_LABELS[event.type]}：${refusal}`, {
              currentStatus: c.status,
              allowedEvents: allowedRatingCaseEvents(c),
            });
          }
          const { set, notices } = CASE_EVENT_HANDLERS[event.type].apply(c, event, now);
          return { set, notices, log: { id: event.eventId, hash } };
        },
      );
      return { replayed, case: caseView(doc, await repo.findRating(doc.ratingId), 'department') };
    },

    // --- operators -------------------------------------------------------------------------------

    /** `GET /api/v1/admin/ratings/cases`: cases with their deadlines, overdue ones flagged. */
    async listCasesForOperator(query: { status?: unknown; department?: unknown; overdue?: unknown }) {
      const errors: FieldError[] = [];
      const status = parseStatus(query.status, errors);
      const department = query.department;
      if (department !== undefined && !(DEPARTMENT_CODES as readonly unknown[]).includes(department))
        errors.push({ path: 'query.department', message: `department 应为：${DEPARTMENT_CODES.join('、')}` });
      if (query.overdue !== undefined && query.overdue !== 'true' && query.overdue !== 'false')
        errors.push({ path: 'query.overdue', message: 'overdue 应为 true 或 false' });
      if (errors.length) throw validationFailed(errors);
      const now = deps.now();
      // Overdue cases are found by the database (not filtered from the newest page), so none hides behind the limit.
      const cases = await repo.listCases({
        department: department as DepartmentCode | undefined,
        statuses: status ? [status] : undefined,
        overdueAt: query.overdue === 'true' ? now : undefined,
      });
      const ratings = await Promise.all(cases.map((c) => repo.findRating(c.ratingId)));
      let views = cases.map((c, i) => caseView(c, ratings[i], 'operator'));
      if (query.overdue === 'true') views = views.filter((v) => v.overdue);
      if (query.overdue === 'false') views = views.filter((v) => !v.overdue);
      return {
        asOf: now.toISOString(),
        /** True when more cases match than one answer holds (the newest are shown): narrow the filter. */
        truncated: cases.length >= CASE_LIST_LIMIT,
        count: views.length,
        overdueCount: views.filter((v) => v.overdue).length,
        cases: views,
      };
    },

    /** `POST /api/v1/admin/ratings/cases/:caseId/appeal-decision`: uphold (rating leaves the statistics, parent told) or reject. */
    async decideAppeal(principal: Principal, caseId: string, body: unknown) {
      const parsed = AppealDecisionInput.safeParse(body);
      if (!parsed.success) throw validationFailed(formatZodIssues(parsed.error), '审核内容有误，请按提示修改');
      const input = parsed.data;
      const state = input.decision === 'uphold' ? 'upheld' : 'rejected';
      if (caseId.length > 100) throw notFound('该差评工单');
      const { doc, replayed } = await changeCase(caseId, existing, (c, now) => {
        if (!c.appeal) throw new AppError('CONFLICT', '该差评没有待审核的申诉', { currentStatus: c.status });
        if (c.appeal.state !== 'pending') {
          if (c.appeal.state === state && c.appeal.decisionNote === input.note) return { done: true };
          throw new AppError('CONFLICT', `该申诉已审核（${c.appeal.state === 'upheld' ? '申诉成立' : '已驳回'}），不能更改`);
        }
        const notices: CaseNotice[] =
          state === 'upheld'
            ? [
                {
                  id: caseNoticeId(c.applicationId, RATING_APPEAL_UPHELD, c._id),
                  template: RATING_APPEAL_UPHELD,
                  params: { stage: c.stage, departmentName: DEPARTMENTS[c.department].name },
                },
              ]
            : [];
        return {
          set: { appeal: { ...c.appeal, state, decidedAt: now, decisionNote: input.note, decidedBy: principal.sub } },
          notices,
        };
      });
      return { replayed, case: caseView(doc, await repo.findRating(doc.ratingId), 'operator') };
    },

    /** `GET /api/v1/admin/ratings/stats?from&to`: per department and per item for a period (default the last 30 days). */
    async stats(query: { from?: unknown; to?: unknown }) {
      const errors: FieldError[] = [];
      const now = deps.now();
      const to = parseDate(query.to, 'query.to', errors) ?? now;
      const from = parseDate(query.from, 'query.from', errors) ?? new Date(to.getTime() - 30 * 86400_000);
      if (!errors.length && from >= to) errors.push({ path: 'query.from', message: 'from 应早于 to' });
      if (!errors.length && to.getTime() - from.getTime() > 366 * 86400_000)
        errors.push({ path: 'query.to', message: '统计期间最长一年，请缩短期间' });
      if (errors.length) throw validationFailed(errors);
      const upheld = await repo.listUpheldCasesOpenedBetween(from, to);
      const stats = createRatingStats({ from, to, now, upheld: new Set(upheld.map((c) => `${c.ratingId}|${c.department}`)) });
      await repo.eachStageRatingBetween(from, to, (r) => stats.addRating(r));
      await repo.eachInvitedApplicationBatch(from, to, 500, async (apps) => {
        const ratings = await repo.listStageRatingsOf(apps.map((a) => a._id));
        const byApplication = new Map<string, RatingDoc[]>();
        for (const r of ratings) byApplication.set(r.applicationId, [...(byApplication.get(r.applicationId) ?? []), r]);
        for (const app of apps) stats.addApplication(app, byApplication.get(app._id) ?? []);
      });
      await repo.eachCaseOpenedBetween(from, to, (c) => stats.addCase(c));
      return stats.result();
    },

    /**
     * Finishes what a crashed writer left: a bad rating's cases not opened, a follow-up's cases not closed,
     * a case's notices not yet in the application's outbox. Safe to run anywhere, any number of times.
     */
    async reconcile(): Promise<{ ratings: number; cases: number }> {
      const before = new Date(deps.now().getTime() - RECONCILE_AFTER_MS);
      const ratings = await repo.listUnfinished(before);
      for (const r of ratings) await applyEffects(r);
      const cases = await repo.listCasesWithPendingNotices(before);
      for (const c of cases) await forwardNotices(c);
      return { ratings: ratings.length, cases: cases.length };
    },

    /** Background upkeep (start.ts): reconcile, and prune applied case version claims after a week. */
    async maintain() {
      const reconciled = await this.reconcile();
      const changes = await repo.sweepCaseChanges(new Date(deps.now().getTime() - 7 * 86400_000));
      return { ...reconciled, changes };
    },

    /** For the reminder guard: the id a stage's rating has. */
    stageRatingId: (applicationId: string, stage: RatingStage) => ids.stage(applicationId, stage),
  };
}

export type RatingsService = ReturnType<typeof createRatingsService>;
