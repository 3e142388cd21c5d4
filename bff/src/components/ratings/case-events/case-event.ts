import type { RatingCaseEvent } from '@birth/shared';
import type { CaseNotice, RatingCaseDoc } from '../rating.model';

/** One kind of department event on a case: what it sets and which parent notices it causes. */
export type CaseEventHandler<E extends RatingCaseEvent> = {
  type: E['type'];
  apply(c: RatingCaseDoc, event: E, now: Date): { set: Record<string, unknown>; notices: CaseNotice[] };
};
