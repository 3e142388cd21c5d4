import type { DepartmentEvent, ItemKey, WorkingCalendar } from '@birth/shared';
import type { FieldCrypto } from '../../../libraries/crypto';
import type { ApplicationDoc, ItemRecord, TimelineEntry } from '../../applications/application.model';

/** What an event handler sees: the application as it is now, the item, and the event (already valid for the state). */
export type EventContext<E extends DepartmentEvent['type'] = DepartmentEvent['type']> = {
  doc: ApplicationDoc;
  itemKey: ItemKey;
  item: ItemRecord;
  event: Extract<DepartmentEvent, { type: E }>;
  /** Every item with this one already in its new state. */
  items: Partial<Record<ItemKey, ItemRecord>>;
  now: Date;
  crypto: FieldCrypto;
  calendar: WorkingCalendar;
};

/** What an event adds to the transition itself: fields to set, timeline entries, notice parameters. */
export type EventEffect = {
  set?: Record<string, unknown>;
  timeline?: TimelineEntry[];
  note?: string;
  params?: Record<string, string>;
};

export type EventHandler<E extends DepartmentEvent['type']> = (c: EventContext<E>) => EventEffect;
