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

export type InvitedApplication = Pick<ApplicationDoc, '_id' | 'status' | 'acceptedAt' | 'items'>;

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
  const open = c.status !== 'appeal_upheld' && c.status !== 'closed';
  return {
    callback: open && !c.callback && new Date(c.callbackDueAt) < now,
    feedback: open && !c.feedback && new Date(c.feedbackDueAt) < now,
  };
}

function tally() {
  return {
    count: 0,
    levels: Object.fromEntries(RATING_LEVELS.map((l) => [l, 0])) as Record<RatingLevel, number>,
    good: 0,
    bad: 0,
    excludedByAppeal: 0,
    applicationsInvited: 0,
    applicationsRated: 0,
    casesOpened: 0,
    casesOverdue: 0,
    callbackOverdue: 0,
    feedbackOverdue: 0,
  };
}
type Tally = ReturnType<typeof tally>;

function countRating(t: Tally, level: RatingLevel) {
  t.count++;
  t.levels[level]++;
  if (GOOD_RATING_LEVELS.includes(level)) t.good++;
  if (isBadRating(level)) t.bad++;
}

function finish(t: Tally) {
  const { excludedByAppeal, ...rest } = t;
  return {
    ...rest,
    goodRate: rate(t.good, t.count),
    badRate: rate(t.bad, t.count),
    excludedByAppeal,
    ratedShare: rate(t.applicationsRated, t.applicationsInvited),
  };
}

/**
 * 好差评 statistics for [from, to), per department and per item, counted in code one record at a time (no
 * $facet, and no need to hold a period's ratings in memory): feed it the period's stage ratings, the
 * applications invited in the period with their ratings, and the cases opened in the period.
 * A rating whose case's appeal was upheld (`upheld`: `<ratingId>|<department>`) no longer counts for that
 * department and its items; overall it counts while some department it concerns still counts it.
 */
export function createRatingStats(options: { from: Date; to: Date; now: Date; upheld: ReadonlySet<string> }) {
  const { from, to, now, upheld } = options;
  const overall = tally();
  const departments = new Map(DEPARTMENT_CODES.map((d) => [d, tally()]));
  const items = new Map(ITEM_KEYS.map((k) => [k, tally()]));
  const inPeriod = (d?: Date | null) => !!d && new Date(d) >= from && new Date(d) < to;
  const counts = (r: RatingDoc, d: DepartmentCode) => !upheld.has(`${r._id}|${d}`);

  return {
    /** A stage rating created in the period. */
    addRating(r: RatingDoc) {
      if (r.departments.some((d) => counts(r, d))) countRating(overall, r.level);
      for (const d of r.departments) {
        if (counts(r, d)) countRating(departments.get(d)!, r.level);
        else departments.get(d)!.excludedByAppeal++;
      }
      for (const k of r.items) if (counts(r, ITEM_CATALOGUE[k].department)) countRating(items.get(k)!, r.level);
    },

    /**
     * An application that may have been invited in the period, with its stage ratings (whenever given). An
     * item was up for rating if the 受理 invitation fell in the period and the item had been accepted, or
     * the whole application was finished in the period.
     */
    addApplication(a: InvitedApplication, ratings: RatingDoc[]) {
      const finished = inPeriod(completedAt(a));
      const invitedFor = (k: ItemKey) => !!a.items[k] && (finished || (inPeriod(a.acceptedAt) && !!a.items[k]!.acceptedAt));
      const invitedItems = ITEM_KEYS.filter(invitedFor);
      if (!invitedItems.length) return;
      overall.applicationsInvited++;
      if (ratings.length) overall.applicationsRated++;
      for (const d of new Set(invitedItems.map((k) => ITEM_CATALOGUE[k].department))) {
        const t = departments.get(d)!;
        t.applicationsInvited++;
        if (ratings.some((r) => r.departments.includes(d))) t.applicationsRated++;
      }
      for (const k of invitedItems) {
        const t = items.get(k)!;
        t.applicationsInvited++;
        if (ratings.some((r) => r.items.includes(k))) t.applicationsRated++;
      }
    },

    /** A case opened in the period: counted, and flagged when past a deadline it has not met. */
    addCase(c: RatingCaseDoc) {
      if (!inPeriod(c.openedAt)) return;
      const overdue = isCaseOverdue(c, now);
      const targets = [overall, departments.get(c.department)!, ...c.items.map((k) => items.get(k)!)];
      for (const t of targets) {
        t.casesOpened++;
        if (overdue.callback || overdue.feedback) t.casesOverdue++;
        if (overdue.callback) t.callbackOverdue++;
        if (overdue.feedback) t.feedbackOverdue++;
      }
    },

    result() {
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
        overall: finish(overall),
        departments: DEPARTMENT_CODES.map((d) => ({
          department: d,
          departmentName: DEPARTMENTS[d].name,
          ...finish(departments.get(d)!),
        })),
        items: ITEM_KEYS.map((k) => ({
          itemKey: k,
          itemName: ITEM_CATALOGUE[k].name,
          department: ITEM_CATALOGUE[k].department,
          ...finish(items.get(k)!),
        })),
      };
    },
  };
}

export type RatingStats = ReturnType<ReturnType<typeof createRatingStats>['result']>;
