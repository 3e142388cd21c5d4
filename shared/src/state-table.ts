import { ITEM_CATALOGUE, isItemKey, type ItemKey } from './items';

export const ITEM_STATES = [
  'waiting',
  'dispatched',
  'accepted',
  'rejected',
  'completed',
  'shipped',
  'ready_for_pickup',
  'delivered',
] as const;
export type ItemState = (typeof ITEM_STATES)[number];

export const ITEM_EVENTS = [
  'dispatch',
  'accept',
  'reject',
  'resubmit',
  'complete',
  'ship',
  'ready_for_pickup',
  'deliver',
] as const;
export type ItemEvent = (typeof ITEM_EVENTS)[number];

export const ACTORS = ['system', 'department', 'parent'] as const;
export type Actor = (typeof ACTORS)[number];

export interface ItemTransition {
  readonly from: ItemState;
  readonly event: ItemEvent;
  readonly to: ItemState;
  readonly actor: Actor;
  /** Only for items that deliver a physical document (`ITEM_CATALOGUE[key].physical`). */
  readonly physicalOnly?: true;
}

/**
 * The one table of legal item transitions, used by the BFF (to accept or refuse an event with 409) and by
 * the app (to show what can happen next). Items without a physical document (城乡居民参保登记) end at
 * `completed`: the rows marked `physicalOnly` do not apply to them.
 */
export const ITEM_TRANSITIONS: readonly ItemTransition[] = [
  { from: 'waiting', event: 'dispatch', to: 'dispatched', actor: 'system' },
  { from: 'dispatched', event: 'accept', to: 'accepted', actor: 'department' },
  { from: 'dispatched', event: 'reject', to: 'rejected', actor: 'department' },
  // A department may still find a problem after 受理.
  { from: 'accepted', event: 'reject', to: 'rejected', actor: 'department' },
  // Only the parents can correct their data; the item goes back to the same department.
  { from: 'rejected', event: 'resubmit', to: 'dispatched', actor: 'parent' },
  { from: 'accepted', event: 'complete', to: 'completed', actor: 'department' },
  { from: 'completed', event: 'ship', to: 'shipped', actor: 'department', physicalOnly: true },
  { from: 'completed', event: 'ready_for_pickup', to: 'ready_for_pickup', actor: 'department', physicalOnly: true },
  { from: 'shipped', event: 'deliver', to: 'delivered', actor: 'department', physicalOnly: true },
  { from: 'ready_for_pickup', event: 'deliver', to: 'delivered', actor: 'department', physicalOnly: true },
];

function transitionsFor(itemKey: ItemKey): readonly ItemTransition[] {
  if (!isItemKey(itemKey)) return [];
  const physical = ITEM_CATALOGUE[itemKey].physical;
  return ITEM_TRANSITIONS.filter((t) => physical || !t.physicalOnly);
}

/** The state after `event` by `actor`, or null when the table does not allow it. */
export function nextState(itemKey: ItemKey, from: ItemState, event: ItemEvent, actor: Actor): ItemState | null {
  const row = transitionsFor(itemKey).find((t) => t.from === from && t.event === event && t.actor === actor);
  return row ? row.to : null;
}

/** The events `actor` may send for an item in `state`, in table order. */
export function allowedEvents(itemKey: ItemKey, state: ItemState, actor: Actor): ItemEvent[] {
  const events = transitionsFor(itemKey)
    .filter((t) => t.from === state && t.actor === actor)
    .map((t) => t.event);
  return [...new Set(events)];
}

/** The states an item of this kind can ever be in (reachable from `waiting`). */
export function statesFor(itemKey: ItemKey): ItemState[] {
  const rows = transitionsFor(itemKey);
  if (rows.length === 0) return [];
  const seen = new Set<ItemState>(['waiting']);
  const queue: ItemState[] = ['waiting'];
  while (queue.length > 0) {
    const state = queue.shift() as ItemState;
    for (const t of rows) {
      if (t.from === state && !seen.has(t.to)) {
        seen.add(t.to);
        queue.push(t.to);
      }
    }
  }
  return ITEM_STATES.filter((s) => seen.has(s));
}

/**
 * True when the item is in its last state: `delivered` for items with a physical document, `completed`
 * for 城乡居民参保登记. A state the item can never reach is not final.
 */
export function isFinal(itemKey: ItemKey, state: ItemState): boolean {
  if (!statesFor(itemKey).includes(state)) return false;
  return !transitionsFor(itemKey).some((t) => t.from === state);
}

/** True when the item's outputs exist: `completed` or any state after it. */
export function isCompletedOrBeyond(state: ItemState): boolean {
  return state === 'completed' || state === 'shipped' || state === 'ready_for_pickup' || state === 'delivered';
}

export const APPLICATION_STATUSES = ['draft', 'in_progress', 'needs_correction', 'completed', 'withdrawn'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];
/** The statuses that follow from the items; `draft` and `withdrawn` are set by the BFF. */
export type DerivedApplicationStatus = Extract<ApplicationStatus, 'in_progress' | 'needs_correction' | 'completed'>;

/**
 * The application's status from its items: any item rejected → needs_correction (the parents must act);
 * every item in its final state → completed; otherwise in_progress. No items at all is in_progress, never
 * completed.
 */
export function deriveApplicationStatus(
  items: Partial<Record<ItemKey, { readonly state: ItemState }>>,
): DerivedApplicationStatus {
  const entries = (Object.entries(items) as [ItemKey, { state: ItemState } | undefined][]).filter(
    (entry): entry is [ItemKey, { state: ItemState }] => entry[1] !== undefined,
  );
  if (entries.some(([, item]) => item.state === 'rejected')) return 'needs_correction';
  if (entries.length > 0 && entries.every(([key, item]) => isFinal(key, item.state))) return 'completed';
  return 'in_progress';
}

export const ITEM_STATE_LABELS: Readonly<Record<ItemState, string>> = {
  waiting: '等待前一事项办结',
  dispatched: '已推送至办理部门',
  accepted: '已受理',
  rejected: '不予受理，需补正',
  completed: '已办结',
  shipped: '已寄出',
  ready_for_pickup: '待领取',
  delivered: '已送达',
};

export const ITEM_EVENT_LABELS: Readonly<Record<ItemEvent, string>> = {
  dispatch: '推送部门',
  accept: '受理',
  reject: '不予受理',
  resubmit: '补正后重新提交',
  complete: '办结',
  ship: '寄出',
  ready_for_pickup: '可领取',
  deliver: '送达',
};

export const APPLICATION_STATUS_LABELS: Readonly<Record<ApplicationStatus, string>> = {
  draft: '草稿（未提交）',
  in_progress: '办理中',
  needs_correction: '需补正材料',
  completed: '已全部办结',
  withdrawn: '已撤回',
};
