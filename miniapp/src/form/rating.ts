// 好差评 levels and their tags (GB/T 39734 online indicators). The same table is being added to
// @birth/shared (Rating.ts, the ratings work); once it lands there, import RATING_LEVELS and RATING_TAGS
// from it and delete this copy.

export const LEVELS = [
  { code: 'very_satisfied', label: '非常满意' },
  { code: 'satisfied', label: '满意' },
  { code: 'basically_satisfied', label: '基本满意' },
  { code: 'dissatisfied', label: '不满意' },
  { code: 'very_dissatisfied', label: '非常不满意' },
] as const;
export type LevelCode = (typeof LEVELS)[number]['code'];

const GOOD = [
  { code: 'efficient', label: '办事效率高' },
  { code: 'guide_accurate', label: '办事指南精确' },
  { code: 'convenient', label: '办事便捷，一次办好' },
  { code: 'easy_to_use', label: '平台操作简单' },
  { code: 'told_at_once', label: '一次性告知到位' },
  { code: 'friendly', label: '服务态度好' },
];
const FAIR = [
  { code: 'efficiency_ok', label: '办理时间基本符合承诺' },
  { code: 'guide_mostly_clear', label: '办事指南基本清楚' },
  { code: 'some_steps_redundant', label: '部分步骤稍显繁琐' },
  { code: 'platform_ok', label: '平台操作尚可' },
  { code: 'progress_unclear', label: '办理进度不够清楚' },
];
const BAD = [
  { code: 'slow', label: '办事效率低，超过承诺时限' },
  { code: 'guide_inaccurate', label: '办事指南不准确' },
  { code: 'inconvenient', label: '办事不便捷，需要多次提交或跑腿' },
  { code: 'hard_to_use', label: '平台操作复杂' },
  { code: 'not_told_at_once', label: '未一次性告知' },
  { code: 'unfriendly', label: '服务态度差' },
  { code: 'no_progress', label: '办理进度不透明' },
];

/** The tags a parent may pick at each level. */
export const TAGS: Readonly<Record<LevelCode, readonly { code: string; label: string }[]>> = {
  very_satisfied: GOOD,
  satisfied: GOOD,
  basically_satisfied: FAIR,
  dissatisfied: BAD,
  very_dissatisfied: BAD,
};

export const isBad = (level: string) => level === 'dissatisfied' || level === 'very_dissatisfied';

/** Keeps only the tags the newly chosen level offers. */
export function tagsForLevel(level: LevelCode, tags: readonly string[]): string[] {
  return tags.filter((t) => TAGS[level].some((x) => x.code === t));
}
