import { z } from 'zod';
import { isValidMainlandPhone } from './id-number';
import { ITEM_KEYS } from './items';
import { choice, firstIssue, strict, text } from './schema-kit';
import { EventId } from './Department';

// 好差评 (standard 7; GB/T 39734 "一次一评""一事一评", GB/T 39735): the levels, their tag sets, the stages a
// parent is invited to rate, and the bad-rating case's events. Data here, rules in the BFF.

/** When parents are invited to rate: after online acceptance (受理) and after every item is done (办结). */
export const RATING_STAGES = ['accepted', 'completed'] as const;
export type RatingStage = (typeof RATING_STAGES)[number];
export const RATING_STAGE_LABELS: Readonly<Record<RatingStage, string>> = { accepted: '受理', completed: '办结' };

/** The five levels of GB/T 39734, best first. */
export const RATING_LEVELS = ['very_satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied', 'very_dissatisfied'] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];
export const RATING_LEVEL_LABELS: Readonly<Record<RatingLevel, string>> = {
  very_satisfied: '非常满意',
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
  very_dissatisfied: '非常不满意',
};
/** 5 … 1, for averages. */
export const RATING_LEVEL_SCORES: Readonly<Record<RatingLevel, number>> = {
  very_satisfied: 5,
  satisfied: 4,
  basically_satisfied: 3,
  dissatisfied: 2,
  very_dissatisfied: 1,
};
/** 好评: the first three levels; 差评: the last two, which open a rectification case. */
export const GOOD_RATING_LEVELS: readonly RatingLevel[] = ['very_satisfied', 'satisfied', 'basically_satisfied'];
export const BAD_RATING_LEVELS: readonly RatingLevel[] = ['dissatisfied', 'very_dissatisfied'];
export const isBadRating = (level: RatingLevel): boolean => BAD_RATING_LEVELS.includes(level);

export type RatingTag = { readonly code: string; readonly label: string };

// The online indicators of the national 好差评 system (办事效率, 办事指南精确度, 办事便捷度, 平台操作性,
// 服务态度, 一次性告知), phrased for each level. Editing this table is all it takes to change the tags.
const GOOD_TAGS: readonly RatingTag[] = [
  { code: 'efficient', label: '办事效率高' },
  { code: 'guide_accurate', label: '办事指南精确' },
  { code: 'convenient', label: '办事便捷，一次办好' },
  { code: 'easy_to_use', label: '平台操作简单' },
  { code: 'told_at_once', label: '一次性告知到位' },
  { code: 'friendly', label: '服务态度好' },
];
const FAIR_TAGS: readonly RatingTag[] = [
  { code: 'efficiency_ok', label: '办理时间基本符合承诺' },
  { code: 'guide_mostly_clear', label: '办事指南基本清楚' },
  { code: 'some_steps_redundant', label: '部分步骤稍显繁琐' },
  { code: 'platform_ok', label: '平台操作尚可' },
  { code: 'progress_unclear', label: '办理进度不够清楚' },
];
const BAD_TAGS: readonly RatingTag[] = [
  { code: 'slow', label: '办事效率低，超过承诺时限' },
  { code: 'guide_inaccurate', label: '办事指南不准确' },
  { code: 'inconvenient', label: '办事不便捷，需要多次提交或跑腿' },
  { code: 'hard_to_use', label: '平台操作复杂' },
  { code: 'not_told_at_once', label: '未一次性告知' },
  { code: 'unfriendly', label: '服务态度差' },
  { code: 'no_progress', label: '办理进度不透明' },
];

/** The tags a parent may pick for each level. */
export const RATING_TAGS: Readonly<Record<RatingLevel, readonly RatingTag[]>> = {
  very_satisfied: GOOD_TAGS,
  satisfied: GOOD_TAGS,
  basically_satisfied: FAIR_TAGS,
  dissatisfied: BAD_TAGS,
  very_dissatisfied: BAD_TAGS,
};

export function ratingTagLabel(level: RatingLevel, code: string): string | undefined {
  return RATING_TAGS[level]?.find((t) => t.code === code)?.label;
}

export const RATING_COMMENT_MAX = 500;

const levelSchema = choice(RATING_LEVELS, '请选择评价等级：非常满意、满意、基本满意、不满意或非常不满意。');

const ratingShape = {
  level: levelSchema,
  tags: z
    .array(z.string({ error: '评价标签应为文字。' }), { error: '评价标签应为列表。' })
    .max(10, { error: '评价标签最多选10个。' })
    .optional(),
  /** Plain text, stored and returned as given (trimmed); never rendered as HTML. */
  comment: text('评价内容', { max: RATING_COMMENT_MAX }).optional(),
};

/** Tags must belong to the chosen level, each once. */
function tagRules(value: { level?: unknown; tags?: unknown }, ctx: z.core.$RefinementCtx): void {
  if (!Array.isArray(value.tags) || typeof value.level !== 'string') return;
  const allowed = RATING_TAGS[value.level as RatingLevel];
  if (!allowed) return;
  const seen = new Set<string>();
  value.tags.forEach((tag, i) => {
    if (typeof tag !== 'string') return;
    if (!allowed.some((t) => t.code === tag)) {
      ctx.addIssue({
        code: 'custom',
        path: ['tags', i],
        message: `“${RATING_LEVEL_LABELS[value.level as RatingLevel]}”不能选择标签 ${tag}，可选：${allowed.map((t) => t.label).join('、')}。`,
      });
    } else if (seen.has(tag)) {
      ctx.addIssue({ code: 'custom', path: ['tags', i], message: '同一个评价标签只能选一次。' });
    }
    seen.add(tag);
  });
}
const WHEN_SHAPED = { when: (p: { value: unknown }) => typeof p.value === 'object' && p.value !== null };

const callbackPhone = z
  .string({ error: '回访电话应为11位手机号码。' })
  .overwrite((v) => v.replace(/[\s-]/g, ''))
  .refine(isValidMainlandPhone, firstIssue({ error: '回访电话应为11位大陆手机号码，请核对。' }));

const itemKeys = z
  .array(choice(ITEM_KEYS, '评价涉及的事项不正确，请从申请的事项中选择。'), { error: '评价涉及的事项应为列表。' })
  .min(1, { error: '请至少选择一个事项，或不填表示评价整个申请。' })
  .max(ITEM_KEYS.length, { error: '评价涉及的事项过多。' })
  .optional();

/** `POST /api/v1/applications/:id/ratings` for a stage. */
export const StageRatingInput = strict(
  {
    stage: choice(RATING_STAGES, '请选择评价阶段：accepted（受理）或 completed（办结）。'),
    ...ratingShape,
    /** The item(s) the rating is about; none means the whole application at that stage. */
    items: itemKeys,
    /** Where the department should call back about a bad rating; default the phone on the application. */
    callbackPhone: callbackPhone.optional(),
  },
  '评价',
).superRefine(tagRules, WHEN_SHAPED);
export type StageRatingInput = z.infer<typeof StageRatingInput>;

/** `POST /api/v1/applications/:id/ratings` with `stage: "follow_up"`: the one 追评 after rectification feedback. */
export const FollowUpRatingInput = strict(
  {
    stage: z.literal('follow_up', { error: '追评的 stage 应为 follow_up。' }),
    /** The stage whose (bad) rating this follows up. */
    of: choice(RATING_STAGES, '请说明追评针对哪个阶段的评价：accepted 或 completed。'),
    ...ratingShape,
  },
  '追评',
).superRefine(tagRules, WHEN_SHAPED);
export type FollowUpRatingInput = z.infer<typeof FollowUpRatingInput>;

/** Either kind: a stage rating, or `stage: "follow_up"` for the 追评. */
export const RatingInput = z.union([StageRatingInput, FollowUpRatingInput]);
export type RatingInput = z.infer<typeof RatingInput>;

/** Picks the schema by `stage`, so a bad body gets the messages of the kind it meant. */
export function ratingInputSchema(body: unknown): typeof StageRatingInput | typeof FollowUpRatingInput {
  const stage = typeof body === 'object' && body !== null ? (body as { stage?: unknown }).stage : undefined;
  return stage === 'follow_up' ? FollowUpRatingInput : StageRatingInput;
}

// ---------------------------------------------------------------------------------------------------
// The bad-rating case (差评整改): call-back within 1 day, rectification and feedback within 15 days,
// then one 追评 by the parent; a department may appeal (申诉), an operator decides.

export const RATING_CASE_EVENT_TYPES = ['call_back', 'rectify', 'feedback', 'appeal'] as const;
export type RatingCaseEventType = (typeof RATING_CASE_EVENT_TYPES)[number];
export const RATING_CASE_EVENT_LABELS: Readonly<Record<RatingCaseEventType, string>> = {
  call_back: '回访',
  rectify: '整改',
  feedback: '反馈整改情况',
  appeal: '申诉',
};

export const RATING_CASE_STATUSES = ['awaiting_callback', 'rectifying', 'feedback_given', 'closed', 'appeal_upheld'] as const;
export type RatingCaseStatus = (typeof RATING_CASE_STATUSES)[number];
export const RATING_CASE_STATUS_LABELS: Readonly<Record<RatingCaseStatus, string>> = {
  awaiting_callback: '待回访',
  rectifying: '整改中',
  feedback_given: '已反馈，待追评',
  closed: '已办结（已追评）',
  appeal_upheld: '申诉成立，不计入统计',
};

export const APPEAL_REASONS = ['malicious', 'mistaken', 'not_our_item', 'other'] as const;
export type AppealReason = (typeof APPEAL_REASONS)[number];
export const APPEAL_REASON_LABELS: Readonly<Record<AppealReason, string>> = {
  malicious: '恶意差评',
  mistaken: '误评（评价内容与实际办理不符）',
  not_our_item: '非本部门事项',
  other: '其他',
};

const caseEvent = <T extends RatingCaseEventType>(type: T) => ({ eventId: EventId, type: z.literal(type) });

export const CallBackEvent = strict(
  {
    ...caseEvent('call_back'),
    /** Whether the parent was reached; a call that reached nobody is still recorded. */
    reached: z.boolean({ error: '请说明是否联系上评价人（reached 为 true 或 false）。' }),
    note: text('回访记录', { max: 1000 }),
  },
  '回访事件',
);
export type CallBackEvent = z.infer<typeof CallBackEvent>;

export const RectifyEvent = strict({ ...caseEvent('rectify'), measures: text('整改措施', { max: 1000 }) }, '整改事件');
export type RectifyEvent = z.infer<typeof RectifyEvent>;

export const FeedbackEvent = strict({ ...caseEvent('feedback'), message: text('给评价人的整改反馈', { max: 1000 }) }, '反馈事件');
export type FeedbackEvent = z.infer<typeof FeedbackEvent>;

export const AppealEvent = strict(
  {
    ...caseEvent('appeal'),
    reason: choice(APPEAL_REASONS, '请选择申诉理由：malicious、mistaken、not_our_item 或 other。'),
    note: text('申诉说明', { max: 1000 }),
  },
  '申诉事件',
);
export type AppealEvent = z.infer<typeof AppealEvent>;

/** `POST /api/v1/dept/ratings/cases/:caseId/events`; idempotent by `eventId`. */
export const RatingCaseEvent = z.discriminatedUnion('type', [CallBackEvent, RectifyEvent, FeedbackEvent, AppealEvent], {
  error: '事件类型 type 应为 call_back、rectify、feedback 或 appeal 之一。',
});
export type RatingCaseEvent = z.infer<typeof RatingCaseEvent>;

export const APPEAL_DECISIONS = ['uphold', 'reject'] as const;
export type AppealDecision = (typeof APPEAL_DECISIONS)[number];

/** `POST /api/v1/admin/ratings/cases/:caseId/appeal-decision`. */
export const AppealDecisionInput = strict(
  {
    decision: choice(APPEAL_DECISIONS, '请选择 uphold（申诉成立）或 reject（驳回申诉）。'),
    note: text('审核意见', { max: 1000 }),
  },
  '申诉审核',
);
export type AppealDecisionInput = z.infer<typeof AppealDecisionInput>;

/** Deadlines of a case, in days of `RATING_CASE_DAY_UNIT` (Zhejiang reports calendar days). */
export const RATING_CALLBACK_DAYS = 1;
export const RATING_FEEDBACK_DAYS = 15;
/** One reminder to rate, this long after the invitation, and never more. */
export const RATING_REMINDER_HOURS = 72;

/** A case's facts, as far as the rules need them. */
export type RatingCaseFacts = {
  callback?: unknown;
  rectification?: unknown;
  feedback?: unknown;
  appeal?: { state: 'pending' | 'upheld' | 'rejected' };
  followUpAt?: unknown;
};

/** The status of a case from its facts. */
export function ratingCaseStatus(c: RatingCaseFacts): RatingCaseStatus {
  if (c.appeal?.state === 'upheld') return 'appeal_upheld';
  if (c.followUpAt) return 'closed';
  if (c.feedback) return 'feedback_given';
  if (c.callback) return 'rectifying';
  return 'awaiting_callback';
}

/**
 * Why the department may not send `type` now, or null when it may. The order of the loop: call back,
 * rectify, feed back; an appeal once, before feedback, and never once the case is over.
 */
export function ratingCaseEventRefusal(c: RatingCaseFacts, type: RatingCaseEventType): string | null {
  const status = ratingCaseStatus(c);
  if (status === 'appeal_upheld') return '申诉已成立，该差评已不计入统计，无需再处理';
  if (status === 'closed') return '评价人已追评，该差评处理已结束';
  switch (type) {
    case 'call_back':
      return c.callback ? '已记录回访，无需重复回访' : null;
    case 'rectify':
      if (!c.callback) return '请先回访评价人，再记录整改措施';
      return c.rectification ? '已记录整改措施' : null;
    case 'feedback':
      if (!c.rectification) return '请先记录整改措施，再向评价人反馈';
      return c.feedback ? '已向评价人反馈，无需重复反馈' : null;
    case 'appeal':
      if (c.appeal) return c.appeal.state === 'pending' ? '申诉正在审核中' : '每个差评只能申诉一次，申诉已被驳回';
      return c.feedback ? '已向评价人反馈整改情况，不能再申诉' : null;
  }
}

/** The events a department may send for a case now, in loop order. */
export function allowedRatingCaseEvents(c: RatingCaseFacts): RatingCaseEventType[] {
  return RATING_CASE_EVENT_TYPES.filter((t) => ratingCaseEventRefusal(c, t) === null);
}
