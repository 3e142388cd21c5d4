import { Schema } from 'mongoose';
import { ITEM_KEYS, type ApplicationStatus, type DepartmentCode, type ItemKey, type ItemState } from '@birth/shared';

/** A rejection reason as the department sent it: all of them at once (一次性告知). */
export type RejectionReason = { code?: string; field?: string; message: string };

export type ItemRecord = {
  state: ItemState;
  department: DepartmentCode;
  dispatchedAt?: Date;
  dueAt?: Date;
  acceptedAt?: Date;
  completedAt?: Date;
  deliveredAt?: Date;
  rejection?: { reasons: RejectionReason[]; at: Date };
  /** Outputs; personal ones (the newborn's ID number) sealed. */
  outputs?: Record<string, string>;
  shipment?: { carrier: string; trackingNumber: string; at: Date };
  pickup?: { place: string; hours: string; pickupCode?: string; at: Date };
  resubmissions?: number;
};

export type TimelineEntry = {
  at: Date;
  itemKey?: ItemKey;
  event: string;
  actor: 'parent' | 'department' | 'system';
  state?: ItemState;
  note?: string;
};

export type OutboxEntry = {
  id: string; // deterministic: the delivery key, so a redelivery after a crash is recognised
  kind: 'notify';
  template: string;
  itemKey?: ItemKey;
  params: Record<string, string>;
  state: 'pending' | 'done' | 'dead';
  attempts: number;
  nextAt: Date;
  lastError?: string;
  createdAt: Date;
  doneAt?: Date;
};

export type ApplicationDoc = {
  _id: string;
  ownerId: string;
  version: number;
  status: ApplicationStatus;
  /** The form as the parents filled it; ID numbers and phones sealed (see application.crypto.ts). */
  data: Record<string, unknown>;
  items: Partial<Record<ItemKey, ItemRecord>>;
  timeline: TimelineEntry[];
  eventLog: { id: string; itemKey: ItemKey; hash: string }[];
  outbox: OutboxEntry[];
  outboxDue: Date | null;
  newbornKey: string | null;
  /** The newborn claim (`<newbornKey>:<generation>`) this application holds once submitted. */
  newbornClaim?: string | null;
  /** Claims of a draft that another application freed after the draft sat on them past the lease. */
  releasedNewbornClaims?: string[];
  /** The Idempotency-Key of the submit that committed, so a retry of that submit is recognised. */
  submitKey?: string;
  /** A withdrawn or swept draft whose personal data is gone and whose document is being deleted. */
  draftRemoved?: boolean;
  submittedAt?: Date;
  acceptedAt?: Date;
  withdrawnAt?: Date;
  /** Set when the application moves to the archive (applications_archive). */
  archivedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
};

export const applicationSchema = new Schema(
  {
    _id: String,
    ownerId: { type: String, required: true },
    version: { type: Number, required: true },
    status: { type: String, required: true },
    data: { type: Schema.Types.Mixed, default: {} },
    items: { type: Schema.Types.Mixed, default: {} },
    timeline: { type: [Schema.Types.Mixed], default: [] },
    eventLog: { type: [Schema.Types.Mixed], default: [] },
    outbox: { type: [Schema.Types.Mixed], default: [] },
    outboxDue: { type: Date, default: null },
    newbornKey: { type: String, default: null },
    newbornClaim: { type: String, default: null },
    releasedNewbornClaims: { type: [String], default: undefined },
    submitKey: String,
    draftRemoved: Boolean,
    submittedAt: Date,
    acceptedAt: Date,
    withdrawnAt: Date,
    archivedAt: Date,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
applicationSchema.index({ status: 1, updatedAt: 1 });
applicationSchema.index({ outboxDue: 1 });
applicationSchema.index({ 'outbox.state': 1 });
for (const key of ITEM_KEYS) applicationSchema.index({ [`items.${key}.state`]: 1, [`items.${key}.dueAt`]: 1 });

/** The archive: the same documents, read only by `_id` (owner via their slots, operators), so no other index. */
export const archivedApplicationSchema = new Schema(applicationSchema.obj, { versionKey: false, minimize: false });

/**
 * One application per newborn per parent pair. The newborn key is a blind index of who and when; each
 * claim is one generation of it (`_id` = `<newbornKey>:<gen>`), inserted once and never changed.
 */
export type NewbornClaimDoc = { _id: string; newbornKey: string; gen: number; applicationId: string; createdAt: Date };
export const newbornClaimSchema = new Schema<NewbornClaimDoc>(
  {
    _id: String,
    newbornKey: { type: String, required: true },
    gen: { type: Number, required: true },
    applicationId: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export type AuditDoc = {
  _id: string;
  at: Date;
  actor: string;
  role: string;
  department?: string;
  action: string;
  applicationId: string;
  itemKey?: string;
  fields: string[];
};
export const auditSchema = new Schema<AuditDoc>(
  {
    _id: String,
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    role: { type: String, required: true },
    department: String,
    action: { type: String, required: true },
    applicationId: { type: String, required: true, index: true },
    itemKey: String,
    fields: [String],
  },
  { versionKey: false },
);

/*
 * Look-up collections for the hot paths. FerretDB 1.24 on SQLite serves only `_id` equality from an index
 * (with our build patch), so every other hot read is shaped as `_id` look-ups or a scan of a collection
 * kept small; on MongoDB the same documents are simply small indexed collections.
 */

/** A parent's applications: slot `<ownerId>:<n>` claimed by a unique insert (never lost, unlike a $push). */
export type OwnerSlotDoc = { _id: string; applicationId: string; createdAt: Date };
export const ownerSlotSchema = new Schema<OwnerSlotDoc>(
  { _id: String, applicationId: { type: String, required: true }, createdAt: { type: Date, required: true } },
  { versionKey: false },
);

/**
 * An application that may have outbox entries due (the relay's queue), keyed `d:<dueAt ISO>|<appId>` so a
 * relay round is one `_id` range up to now. Written before the change that adds entries (and again after
 * it); removed by the relay only after it finds nothing pending and the mark is old enough.
 */
export type OutboxDueDoc = { _id: string; dueAt: Date; markedAt: Date };
export const outboxDueSchema = new Schema<OutboxDueDoc>(
  { _id: String, dueAt: { type: Date, required: true, index: true }, markedAt: { type: Date, required: true } },
  { versionKey: false },
);

/**
 * One submitted application in one department's work queue (a collection per department), keyed
 * `q:<submittedAt ISO>|<appId>` (the order the queue page promises, read as `_id` ranges), from submission
 * until every item of that department is finished; removed by the reader that finds it finished.
 */
export type TaskQueueDoc = { _id: string; submittedAt: Date; markedAt: Date };
export const taskQueueSchema = new Schema<TaskQueueDoc>(
  { _id: String, submittedAt: { type: Date, required: true, index: true }, markedAt: { type: Date, required: true } },
  { versionKey: false },
);
