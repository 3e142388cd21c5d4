import type { EventHandler } from './types';

/** 寄出: carrier and tracking number, shown to the parents. */
export const ship: EventHandler<'ship'> = ({ itemKey, event, now }) => ({
  set: { [`items.${itemKey}.shipment`]: { carrier: event.carrier, trackingNumber: event.trackingNumber, at: now } },
  params: { carrier: event.carrier, trackingNumber: event.trackingNumber },
});
