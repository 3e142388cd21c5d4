import type { EventHandler } from './types';

/** 待领取: place, hours and an optional pickup code. */
export const readyForPickup: EventHandler<'ready_for_pickup'> = ({ itemKey, event, now }) => ({
  set: {
    [`items.${itemKey}.pickup`]: {
      place: event.place,
      hours: event.hours,
      ...(event.pickupCode ? { pickupCode: event.pickupCode } : {}),
      at: now,
    },
  },
  params: { place: event.place, hours: event.hours },
});
