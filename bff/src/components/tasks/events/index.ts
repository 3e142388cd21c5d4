import { deriveApplicationStatus, ITEM_KEYS, type DepartmentEvent } from '@birth/shared';
import { noticeEntry } from '../../applications/application.notices';
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

/**
 * The event's effect, plus what every event shares: the notice records when it happened, and the change
 * that makes every item done sends the whole-application-done message once (a deterministic id: a
 * change decided twice, or a later event on a done application, cannot send a second one).
 */
export function eventEffect(c: EventContext): EventEffect {
  const effect = (HANDLERS[c.event.type] as EventHandler<typeof c.event.type>)(c as never);
  const becameDone = deriveApplicationStatus(c.items) === 'completed' && c.doc.status !== 'completed';
  const itemCount = ITEM_KEYS.filter((k) => c.items[k]).length;
  return {
    ...effect,
    params: { ...effect.params, at: c.now.toISOString() },
    notices: [
      ...(effect.notices ?? []),
      ...(becameDone
        ? [
            noticeEntry('application_completed', c.now, c.doc._id, 'all-done', {
              itemCount: String(itemCount),
              at: c.now.toISOString(),
            }),
          ]
        : []),
    ],
  };
}

export type { EventContext, EventEffect, NoticeSettings } from './types';
