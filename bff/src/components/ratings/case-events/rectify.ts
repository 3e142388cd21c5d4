import type { RectifyEvent } from '@birth/shared';
import type { CaseEventHandler } from './case-event';

/** 整改: what the department changed; for operators and the department, not sent to the parent. */
export const rectify: CaseEventHandler<RectifyEvent> = {
  type: 'rectify',
  apply: (_c, event, now) => ({ set: { rectification: { measures: event.measures, at: now } }, notices: [] }),
};
