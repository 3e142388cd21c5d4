import type { EventHandler } from './types';

/**
 * 待领取: place, hours and an optional pickup code. The notice carries the pickup code (the parents show
 * it at the window) and the place; the SMS uses the place's short name (notification.formats.ts).
 */
export const readyForPickup: EventHandler<'ready_for_pickup'> = ({ itemKey, event, now }) => ({
  set: {
    [`items.${itemKey}.pickup`]: {
      place: event.place,
      hours: event.hours,
      ...(event.pickupCode ? { pickupCode: event.pickupCode } : {}),
      at: now,
    },
  },
  params: { place: event.place, hours: event.hours, ...(event.pickupCode ? { pickupCode: event.pickupCode } : {}) },
});
