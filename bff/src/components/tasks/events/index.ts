import type { DepartmentEvent } from '@birth/shared';
import { accept } from './accept';
import { complete } from './complete';
import { deliver } from './deliver';
import { readyForPickup } from './ready-for-pickup';
import { reject } from './reject';
import { ship } from './ship';
import type { EventContext, EventEffect, EventHandler } from './types';

/** One small module per department event type; the state table decides whether it may happen at all. */
const HANDLERS: { [E in DepartmentEvent['type']]: EventHandler<E> } = {
  accept,
  reject,
  complete,
  ship,
  ready_for_pickup: readyForPickup,
  deliver,
};

export function eventEffect(c: EventContext): EventEffect {
  return (HANDLERS[c.event.type] as EventHandler<typeof c.event.type>)(c as never);
}

export type { EventContext, EventEffect } from './types';
