import { z } from 'zod';
import { DEPARTMENT_CODES, ITEM_KEYS } from './items';
import { APPEAL_REASONS, RATING_CASE_EVENT_TYPES, RATING_CASE_STATUSES, RATING_LEVELS, RATING_STAGES } from './Rating';

const instant = z.iso.datetime();
const itemRef = z.strictObject({ key: z.enum(ITEM_KEYS), name: z.string() });

/** What anyone may see of a rating's substance: never who gave it. `comment` is plain text, never HTML. */
export const RatingBody = z
  .object({
    kind: z.enum(['stage', 'follow_up']),
    stage: z.enum(RATING_STAGES),
    stageLabel: z.string(),
    level: z.enum(RATING_LEVELS),
    levelLabel: z.string(),
    bad: z.boolean(),
    tags: z.array(z.strictObject({ code: z.string(), label: z.string() })),
    comment: z.string().nullable(),
    items: z.array(itemRef),
    createdAt: instant,
  })
  .meta({ id: 'RatingBody' });
export type RatingBody = z.infer<typeof RatingBody>;

const RatingWithId = RatingBody.extend({ id: z.string() });

/** The parent's view of the handling of their bad rating: no rectification internals, no appeal details unless upheld. */
export const ParentRatingCase = z.strictObject({
  department: z.enum(DEPARTMENT_CODES),
  departmentName: z.string(),
  status: z.enum(RATING_CASE_STATUSES),
  statusLabel: z.string(),
  callbackDueAt: instant.optional(),
  feedbackDueAt: instant.optional(),
  calledBackAt: instant.nullable(),
  feedback: z.strictObject({ message: z.string(), at: instant.optional() }).nullable(),
  appealUpheld: z.boolean(),
});

/** `GET /applications/:id/ratings`: per stage, whether it is reached, its rating, the handling of a bad one, the 追评. */
export const RatingsView = z
  .object({
    applicationId: z.string(),
    stages: z.array(
      z.strictObject({
        stage: z.enum(RATING_STAGES),
        stageLabel: z.string(),
        reached: z.boolean(),
        rated: z.boolean(),
        rating: RatingWithId.nullable(),
        cases: z.array(ParentRatingCase),
        followUp: RatingWithId.nullable(),
        canFollowUp: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'RatingsView' });
export type RatingsView = z.infer<typeof RatingsView>;
export type RatingStageView = RatingsView['stages'][number];

/** `POST /applications/:id/ratings`: the rating given and the application's ratings after it. */
export const RatingCreated = RatingWithId.extend({ ratings: RatingsView }).meta({ id: 'RatingCreated' });
export type RatingCreated = z.infer<typeof RatingCreated>;

/** A bad-rating case (差评处理) as a department or an operator (who also sees `applicationId`) sees it. */
export const RatingCaseView = z
  .object({
    caseId: z.string(),
    ratingId: z.string(),
    applicationId: z.string().optional(),
    department: z.enum(DEPARTMENT_CODES),
    departmentName: z.string(),
    status: z.enum(RATING_CASE_STATUSES),
    statusLabel: z.string(),
    rating: RatingBody.nullable(),
    items: z.array(itemRef),
    openedAt: instant.optional(),
    callbackDueAt: instant.optional(),
    feedbackDueAt: instant.optional(),
    overdue: z.boolean(),
    callbackOverdue: z.boolean(),
    feedbackOverdue: z.boolean(),
    callback: z.strictObject({ reached: z.boolean(), note: z.string().optional(), at: instant.optional() }).nullable(),
    rectification: z.strictObject({ measures: z.string(), at: instant.optional() }).nullable(),
    feedback: z.strictObject({ message: z.string(), at: instant.optional() }).nullable(),
    appeal: z
      .object({
        reason: z.enum(APPEAL_REASONS),
        reasonLabel: z.string(),
        note: z.string().optional(),
        at: instant.optional(),
        state: z.enum(['pending', 'upheld', 'rejected']),
        decidedAt: instant.optional(),
        decisionNote: z.string().nullable(),
      })
      .nullable(),
    followUpAt: instant.nullable(),
    allowedEvents: z.array(z.enum(RATING_CASE_EVENT_TYPES)),
  })
  .meta({ id: 'RatingCase' });
export type RatingCaseView = z.infer<typeof RatingCaseView>;

/** `GET /dept/ratings`: newest first; `nextBefore` pages on. Only this department's items of each rating. */
export const DepartmentRatingList = z
  .object({
    department: z.enum(DEPARTMENT_CODES),
    departmentName: z.string(),
    ratings: z.array(
      RatingBody.extend({
        ratingId: z.string(),
        caseId: z.string().nullable(),
        caseStatus: z.enum(RATING_CASE_STATUSES).nullable(),
      }),
    ),
    nextBefore: instant.optional(),
  })
  .meta({ id: 'DepartmentRatingList' });
export type DepartmentRatingList = z.infer<typeof DepartmentRatingList>;

/** `GET /dept/ratings/cases`. */
export const DepartmentRatingCaseList = z
  .object({ department: z.enum(DEPARTMENT_CODES), departmentName: z.string(), cases: z.array(RatingCaseView) })
  .meta({ id: 'DepartmentRatingCaseList' });
export type DepartmentRatingCaseList = z.infer<typeof DepartmentRatingCaseList>;

/** `GET /dept/ratings/cases/:caseId/contact`: the call-back number in clear (audited). */
export const RatingCaseContact = z
  .object({ caseId: z.string(), callbackPhone: z.string(), callbackDueAt: instant.optional() })
  .meta({ id: 'RatingCaseContact' });
export type RatingCaseContact = z.infer<typeof RatingCaseContact>;

/** `GET /admin/ratings/cases`: `truncated` when more cases match than one answer holds. */
export const OperatorRatingCaseList = z
  .object({
    asOf: instant,
    truncated: z.boolean(),
    count: z.number().int().nonnegative(),
    overdueCount: z.number().int().nonnegative(),
    cases: z.array(RatingCaseView),
  })
  .meta({ id: 'OperatorRatingCaseList' });
export type OperatorRatingCaseList = z.infer<typeof OperatorRatingCaseList>;

const share = z.number().min(0).max(1).nullable();
const Tally = z.strictObject({
  count: z.number().int().nonnegative(),
  levels: z.record(z.enum(RATING_LEVELS), z.number().int().nonnegative()),
  good: z.number().int().nonnegative(),
  bad: z.number().int().nonnegative(),
  applicationsInvited: z.number().int().nonnegative(),
  applicationsRated: z.number().int().nonnegative(),
  casesOpened: z.number().int().nonnegative(),
  casesOverdue: z.number().int().nonnegative(),
  callbackOverdue: z.number().int().nonnegative(),
  feedbackOverdue: z.number().int().nonnegative(),
  goodRate: share,
  badRate: share,
  excludedByAppeal: z.number().int().nonnegative(),
  ratedShare: share,
});

/** `GET /admin/ratings/stats`: per department and per item for [from, to); rates are shares 0–1, null without data. */
export const RatingStats = z
  .object({
    from: instant,
    to: instant,
    asOf: instant,
    definitions: z.record(z.string(), z.string()),
    overall: Tally,
    departments: z.array(Tally.extend({ department: z.enum(DEPARTMENT_CODES), departmentName: z.string() })),
    items: z.array(Tally.extend({ itemKey: z.enum(ITEM_KEYS), itemName: z.string(), department: z.enum(DEPARTMENT_CODES) })),
  })
  .meta({ id: 'RatingStats' });
export type RatingStats = z.infer<typeof RatingStats>;
