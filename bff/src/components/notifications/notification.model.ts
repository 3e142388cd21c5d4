import { Schema, type Connection, type Model } from 'mongoose';
import { applicationSchema, type ApplicationDoc } from '../applications/application.model';

/** A notice as the parent sees it in the app. `_id` is the outbox entry's delivery key, so it exists once. */
export type NotificationDoc = {
  _id: string;
  ownerId: string;
  applicationId: string;
  template: string;
  itemKey?: string;
  title: string;
  body: string;
  createdAt: Date;
  /** Which channels have been handled, so a redelivery after a crash does not send again. */
  channels: Partial<Record<'push' | 'sms', { state: ChannelState; at: Date }>>;
};
/** `unconfirmed`: the phone is not confirmed as the parent's own; `failed`: a permanent push failure. */
export type ChannelState = 'sent' | 'skipped' | 'refused' | 'failed' | 'unconfirmed';

export const notificationSchema = new Schema<NotificationDoc>(
  {
    _id: String,
    ownerId: { type: String, required: true },
    applicationId: { type: String, required: true },
    template: { type: String, required: true },
    itemKey: String,
    title: { type: String, required: true },
    body: { type: String, required: true },
    createdAt: { type: Date, required: true },
    channels: { type: Schema.Types.Mixed, default: {} },
  },
  { versionKey: false, minimize: false },
);
notificationSchema.index({ ownerId: 1, createdAt: -1 });

/** One relay's hold on one application's outbox; `_id` is the application id, so the insert is the lock. */
export type LeaseDoc = { _id: string; owner: string; until: Date };
export const leaseSchema = new Schema<LeaseDoc>(
  { _id: String, owner: { type: String, required: true }, until: { type: Date, required: true } },
  { versionKey: false },
);

/**
 * The right to take over one expired lease. Deleting the expired lease is not isolated on FerretDB, so two
 * relays deleting it at once could each delete the other's fresh lease; whoever inserts this marker first
 * is the only one that deletes.
 */
export type TakeoverDoc = { _id: string; createdAt: Date };
export const takeoverSchema = new Schema<TakeoverDoc>(
  { _id: String, createdAt: { type: Date, required: true, index: true } },
  { versionKey: false },
);

// Each getter reuses the model when this connection already compiled it (several components share a
// collection), and never goes through a generic helper: mongoose's types make tsc explode on one.
export const notificationModel = (c: Connection): Model<NotificationDoc> =>
  (c.models.Notification as Model<NotificationDoc> | undefined) ??
  c.model<NotificationDoc>('Notification', notificationSchema, 'notifications');
export const leaseModel = (c: Connection): Model<LeaseDoc> =>
  (c.models.OutboxLease as Model<LeaseDoc> | undefined) ?? c.model<LeaseDoc>('OutboxLease', leaseSchema, 'outbox_leases');
export const takeoverModel = (c: Connection): Model<TakeoverDoc> =>
  (c.models.OutboxLeaseTakeover as Model<TakeoverDoc> | undefined) ??
  c.model<TakeoverDoc>('OutboxLeaseTakeover', takeoverSchema, 'outbox_lease_takeovers');
export const applicationModel = (c: Connection): Model<ApplicationDoc> =>
  (c.models.Application as Model<ApplicationDoc> | undefined) ??
  c.model<ApplicationDoc>('Application', applicationSchema, 'applications');
