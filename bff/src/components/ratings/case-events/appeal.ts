import type { AppealEvent } from '@birth/shared';
import type { CaseEventHandler } from './case-event';

/** 申诉: the department thinks the rating mistaken or malicious; an operator decides (appeal-decision). */
export const appeal: CaseEventHandler<AppealEvent> = {
  type: 'appeal',
  apply: (_c, event, now) => ({
    set: { appeal: { reason: event.reason, note: event.note, at: now, state: 'pending' } },
    notices: [],
  }),
};
