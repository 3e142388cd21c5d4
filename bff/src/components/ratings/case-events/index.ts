import type { RatingCaseEvent, RatingCaseEventType } from '@birth/shared';
import { appeal } from './appeal';
import { callBack } from './call-back';
import type { CaseEventHandler } from './case-event';
import { feedback } from './feedback';
import { rectify } from './rectify';

export { RATING_FEEDBACK } from './feedback';

/** Whether an event is allowed now is the shared rule (ratingCaseEventRefusal); these say what it does. */
export const CASE_EVENT_HANDLERS = {
  call_back: callBack,
  rectify,
  feedback,
  appeal,
} as unknown as Record<RatingCaseEventType, CaseEventHandler<RatingCaseEvent>>;
