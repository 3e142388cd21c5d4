// 好差评 levels and their tags come from @birth/shared (the same table the BFF validates against).
import { RATING_LEVELS, RATING_LEVEL_LABELS, RATING_TAGS, type RatingLevel } from '@birth/shared';

export const LEVELS = RATING_LEVELS.map((code) => ({ code, label: RATING_LEVEL_LABELS[code] }));
export type LevelCode = RatingLevel;

/** The tags a parent may pick at each level. */
export const TAGS = RATING_TAGS;

export const isBad = (level: string) => level === 'dissatisfied' || level === 'very_dissatisfied';

/** Keeps only the tags the newly chosen level offers. */
export function tagsForLevel(level: LevelCode, tags: readonly string[]): string[] {
  return tags.filter((t) => TAGS[level].some((x) => x.code === t));
}
