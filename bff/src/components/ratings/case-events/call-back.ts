import type { CallBackEvent } from '@birth/shared';
import type { CaseEventHandler } from './case-event';

/** 回访: the department called the parent back (due within a day of the bad rating). */
export const callBack: CaseEventHandler<CallBackEvent> = {
  type: 'call_back',
  apply: (_c, event, now) => ({ set: { callback: { reached: event.reached, note: event.note, at: now } }, notices: [] }),
};
