import type { EventHandler } from './types';

/** 受理: the first acceptance of any item starts the application's 4-working-day clock. */
export const accept: EventHandler<'accept'> = ({ doc, itemKey, now }) => ({
  set: { [`items.${itemKey}.acceptedAt`]: now, ...(doc.acceptedAt ? {} : { acceptedAt: now }) },
});
