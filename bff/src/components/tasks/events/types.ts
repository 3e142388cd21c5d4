import type { DepartmentEvent, ItemKey, WorkingCalendar } from '@birth/shared';
import type { FieldCrypto } from '../../../libraries/crypto';
import type { ApplicationDoc, ItemRecord, OutboxEntry, TimelineEntry } from '../../applications/application.model';

/** What notices need from configuration (standard §6.3.3: the medical-insurance payment prompt). */
export type NoticeSettings = {
  /** The newborn's yearly resident medical-insurance contribution in yuan, digits only (e.g. "400"); absent: not stated. */
  medicalInsuranceFee?: string;
  /** Days after birth within which the contribution is to be paid (the deadline the prompt names). */
  medicalInsurancePayWithinDays?: number;
};

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
  notices?: NoticeSettings;
};

/**
 * What an event adds to the transition itself: fields to set, timeline entries, parameters of the item's
 * own notice, and further notices (deterministic ids, so deciding the change twice sends them once).
 */
export type EventEffect = {
  set?: Record<string, unknown>;
  timeline?: TimelineEntry[];
  note?: string;
  params?: Record<string, string>;
  notices?: OutboxEntry[];
};

export type EventHandler<E extends DepartmentEvent['type']> = (c: EventContext<E>) => EventEffect;
