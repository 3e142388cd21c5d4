import { DEPARTMENTS, type FeedbackEvent } from '@birth/shared';
import { caseNoticeId } from '../rating.ids';
import type { CaseEventHandler } from './case-event';

export const RATING_FEEDBACK = 'rating_feedback';

/** 反馈: the department's word to the parent on what was rectified; the parent is told and may add one 追评. */
export const feedback: CaseEventHandler<FeedbackEvent> = {
  type: 'feedback',
  apply: (c, event, now) => ({
    set: { feedback: { message: event.message, at: now } },
    notices: [
      {
        id: caseNoticeId(c.applicationId, RATING_FEEDBACK, c._id),
        template: RATING_FEEDBACK,
        params: { stage: c.stage, departmentName: DEPARTMENTS[c.department].name },
      },
    ],
  }),
};
