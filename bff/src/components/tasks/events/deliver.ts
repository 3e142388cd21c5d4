import type { EventHandler } from './types';

/** 已送达 (a mailed item signed for) / 已领取 (collected at the window): the notice tells them apart. */
export const deliver: EventHandler<'deliver'> = ({ item, itemKey, now }) => ({
  set: { [`items.${itemKey}.deliveredAt`]: now },
  params: { via: item.state === 'ready_for_pickup' ? 'pickup' : 'mail' },
});
