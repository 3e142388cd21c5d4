import type { EventHandler } from './types';

/** 不予受理: every reason at once (一次性告知); the parents correct and resubmit this item alone. */
export const reject: EventHandler<'reject'> = ({ itemKey, event, now }) => ({
  set: { [`items.${itemKey}.rejection`]: { reasons: event.reasons, at: now } },
  note: `${event.reasons.length} 项需更正`,
  params: { reasonCount: String(event.reasons.length) },
});
