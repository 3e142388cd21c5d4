import type { Connection } from 'mongoose';
import type { ApplicationDoc, OutboxEntry } from '../applications/application.model';
import { findOwnerApplications } from '../applications/applications.repository';
import { applicationModel, notificationModel, type NotificationDoc } from './notification.model';

export type OutboxState = OutboxEntry['state'];

export function createNotificationsRepository(connection: Connection) {
  const Notification = notificationModel(connection);
  const Application = applicationModel(connection);

  return {
    /**
     * A parent's notices, newest first. Found through the parent's applications: a notice's `_id` is its
     * outbox entry's id, so each is an `_id` look-up and the list never scans the notices of the province.
     */
    async listByOwner(ownerId: string, limit: number): Promise<NotificationDoc[]> {
      // An entry not yet delivered has no notice: it is looked up and not found.
      const entries = (await findOwnerApplications(connection, ownerId)).flatMap((app) => app.outbox);
      const found = await Promise.all(entries.map((e) => Notification.findById(e.id).lean<NotificationDoc>()));
      return found
        .filter((n): n is NotificationDoc => !!n && n.ownerId === ownerId)
        .sort((a, b) => new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime() || (a._id < b._id ? -1 : 1))
        .slice(0, limit);
    },

    /** Applications with at least one outbox entry in `state`, with nothing but their outbox read. */
    async findWithOutboxState(
      state: OutboxState,
      limit: number,
    ): Promise<Pick<ApplicationDoc, '_id' | 'outbox' | 'updatedAt'>[]> {
      return Application.find({ 'outbox.state': state }, { _id: 1, outbox: 1, updatedAt: 1 })
        .sort({ updatedAt: -1 })
        .limit(limit)
        .lean<Pick<ApplicationDoc, '_id' | 'outbox' | 'updatedAt'>[]>();
    },
  };
}

export type NotificationsRepository = ReturnType<typeof createNotificationsRepository>;
