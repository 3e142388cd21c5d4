import type { EventHandler } from './types';

/** 已送达 / 已领取. */
export const deliver: EventHandler<'deliver'> = ({ itemKey, now }) => ({ set: { [`items.${itemKey}.deliveredAt`]: now } });
