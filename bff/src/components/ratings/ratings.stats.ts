import {
  DEPARTMENTS,
  DEPARTMENT_CODES,
  GOOD_RATING_LEVELS,
  ITEM_CATALOGUE,
  ITEM_KEYS,
  RATING_LEVELS,
  isBadRating,
  isFinal,
  type DepartmentCode,
  type ItemKey,
  type RatingLevel,
} from '@birth/shared';
import type { ApplicationDoc } from '../applications/application.model';
import type { RatingCaseDoc, RatingDoc } from './rating.model';

type InvitedApplication = Pick<ApplicationDoc, '_id' | 'status' | 'acceptedAt' | 'items'>;

export type RatingStatsInput = {
  from: Date;
  to: Date;
  now: Date;
  /** Stage ratings created in [from, to). */
  ratings: RatingDoc[];
  /** Applications that may have been invited in the period (filtered here). */
  applications: InvitedApplication[];
  /** Stage ratings of those applications, whenever given. */
  ratingsOfInvited: RatingDoc[];
  /** Cases of the period's ratings and of the invited applications (for exclusions and overdue counts). */
  cases: RatingCaseDoc[];
};

const round = (n: number) => Math.round(n * 10_000) / 10_000;
const rate = (part: number, whole: number) => (whole ? round(part / whole) : null);

/** When every item of a completed application reached its final state (its completion invitation). */
function completedAt(app: InvitedApplication): Date | undefined {
  const keys = ITEM_KEYS.filter((k) => app.items[k]);
  if (app.status !== 'completed' || !keys.every((k) => isFinal(k, app.items[k]!.state))) return undefined;
  const times = keys.map((k) => app.items[k]!.deliveredAt ?? app.items[k]!.completedAt).filter((d): d is Date => !!d);
  return times.length ? new Date(Math.max(...times.map((d) => new Date(d).getTime()))) : undefined;
}

export function isCaseOverdue(c: RatingCaseDoc, now: Date): { callback: boolean; feedback: boolean } {
  const over = c.status !== 'appeal_upheld' && c.status !== 'closed';
  return {
    callback: over && !c.callback && new Date(c.callbackDueAt) < now,
    feedback: over && !c.feedback && new Date(c.feedbackDueAt) < now,
  };
}

/**
 * 好差评 statistics for a period, per department and per item, computed in code from the ratings (no
 * $facet): count, levels, 好评率 and 差评率 among counted ratings, the share of invited applications rated,
 * and cases overdue. A rating whose case's appeal was upheld no longer counts for that department.
 */
export function computeRatingStats(input: RatingStatsInput) {
  const { from, to, now } = input;
  const upheld = new Set(input.cases.filter((c) => c.appeal?.state === 'upheld').map((c) => `${c.ratingId}|${c.department}`));
  const counts = (r: RatingDoc, d: DepartmentCode) => !upheld.has(`${r._id}|${d}`);
  const inPeriod = (d?: Date | null) => !!d && new Date(d) >= from && new Date(d) < to;

  // An item was up for rating in the period if the application's 受理 invitation fell in it and the item had
  // been accepted, or the whole application was finished in it.
  const finishedInPeriod = new Map(input.applications.map((a) => [a._id, inPeriod(completedAt(a))]));
  const invitedFor = (a: InvitedApplication, k: ItemKey) =>
    !!a.items[k] && (finishedInPeriod.get(a._id) || (inPeriod(a.acceptedAt) && !!a.items[k]!.acceptedAt));
  const invited = input.applications.filter((a) => ITEM_KEYS.some((k) => invitedFor(a, k)));
  const ratedBy = new Map<string, RatingDoc[]>();
  for (const r of input.ratingsOfInvited) ratedBy.set(r.applicationId, [...(ratedBy.get(r.applicationId) ?? []), r]);

  function summary(ratings: RatingDoc[]) {
    const levels = Object.fromEntries(RATING_LEVELS.map((l) => [l, 0])) as Record<RatingLevel, number>;
    for (const r of ratings) levels[r.level]++;
    const good = ratings.filter((r) => GOOD_RATING_LEVELS.includes(r.level)).length;
    const bad = ratings.filter((r) => isBadRating(r.level)).length;
    return { count: ratings.length, levels, good, bad, goodRate: rate(good, ratings.length), badRate: rate(bad, ratings.length) };
  }

  function share(apps: InvitedApplication[], rated: (a: InvitedApplication) => boolean) {
    const n = apps.filter(rated).length;
    return { applicationsInvited: apps.length, applicationsRated: n, ratedShare: rate(n, apps.length) };
  }

  const casesOpened = input.cases.filter((c) => inPeriod(c.openedAt));
  const overdueOf = (cases: RatingCaseDoc[]) => {
    const flagged = cases.map((c) => isCaseOverdue(c, now));
    return {
      casesOpened: cases.length,
      casesOverdue: flagged.filter((f) => f.callback || f.feedback).length,
      callbackOverdue: flagged.filter((f) => f.callback).length,
      feedbackOverdue: flagged.filter((f) => f.feedback).length,
    };
  };

  const departments = DEPARTMENT_CODES.map((d) => {
    const ratings = input.ratings.filter((r) => r.departments.includes(d) && counts(r, d));
    const apps = invited.filter((a) => ITEM_KEYS.some((k) => ITEM_CATALOGUE[k].department === d && invitedFor(a, k)));
    return {
      department: d,
      departmentName: DEPARTMENTS[d].name,
      ...summary(ratings),
      excludedByAppeal: input.ratings.filter((r) => r.departments.includes(d) && !counts(r, d)).length,
      ...share(apps, (a) => (ratedBy.get(a._id) ?? []).some((r) => r.departments.includes(d))),
      ...overdueOf(casesOpened.filter((c) => c.department === d)),
    };
  });

  const items = ITEM_KEYS.map((k: ItemKey) => {
    const d = ITEM_CATALOGUE[k].department;
    const ratings = input.ratings.filter((r) => r.items.includes(k) && counts(r, d));
    const apps = invited.filter((a) => invitedFor(a, k));
    return {
      itemKey: k,
      itemName: ITEM_CATALOGUE[k].name,
      department: d,
      ...summary(ratings),
      ...share(apps, (a) => (ratedBy.get(a._id) ?? []).some((r) => r.items.includes(k))),
      ...overdueOf(casesOpened.filter((c) => c.department === d && c.items.includes(k))),
    };
  });

  // Overall: a rating counts unless every department it concerns had an appeal upheld against it.
  const overall = input.ratings.filter((r) => r.departments.some((d) => counts(r, d)));
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    asOf: now.toISOString(),
    definitions: {
      good: '好评：非常满意、满意、基本满意',
      bad: '差评：不满意、非常不满意',
      ratedShare:
        '期间内收到评价邀请的申请（受理邀请：该部门事项已受理；办结邀请：全部事项已办结）中，已有涉及该部门（事项）评价的比例',
      excludedByAppeal: '申诉成立、不计入该部门统计的评价数',
    },
    overall: {
      ...summary(overall),
      ...share(invited, (a) => (ratedBy.get(a._id) ?? []).length > 0),
      ...overdueOf(casesOpened),
    },
    departments,
    items,
  };
}
