import {
  DEPARTMENTS,
  ITEM_CATALOGUE,
  ITEM_KEYS,
  itemDueAt,
  itemsReadyToDispatch,
  type ItemKey,
  type ItemState,
  type WorkingCalendar,
} from '@birth/shared';
import type { ItemRecord, TimelineEntry } from './application.model';

/**
 * Dispatches every waiting item whose needs are now met (on submit, and when an item completes):
 * updates `items` in place and returns the `$set` paths and timeline entries for the same atomic update.
 * The SLA clock of each dispatched item starts here: due at the end of the next working day.
 */
export function dispatchReadyItems(items: Partial<Record<ItemKey, ItemRecord>>, now: Date, calendar: WorkingCalendar) {
  const chosen = ITEM_KEYS.filter((k) => items[k]);
  const states = Object.fromEntries(chosen.map((k) => [k, items[k]!.state])) as Partial<Record<ItemKey, ItemState>>;
  const set: Record<string, unknown> = {};
  const timeline: TimelineEntry[] = [];
  for (const key of itemsReadyToDispatch(states, chosen)) {
    const dueAt = itemDueAt(now, calendar);
    items[key] = { ...items[key]!, state: 'dispatched', dispatchedAt: now, dueAt };
    set[`items.${key}.state`] = 'dispatched';
    set[`items.${key}.dispatchedAt`] = now;
    set[`items.${key}.dueAt`] = dueAt;
    timeline.push({
      at: now,
      itemKey: key,
      event: 'dispatch',
      actor: 'system',
      state: 'dispatched',
      note: `已推送至${DEPARTMENTS[ITEM_CATALOGUE[key].department].name}`,
    });
  }
  return { set, timeline };
}

/** Departments with an item past `waiting`: the work queues the application belongs in. */
export const queuedDepartments = (items: Partial<Record<ItemKey, ItemRecord>>) =>
  ITEM_KEYS.filter((k) => items[k] && items[k]!.state !== 'waiting').map((k) => items[k]!.department);
