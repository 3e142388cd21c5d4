import type { Connection } from 'mongoose';
import type { ApplicationDoc, OutboxEntry } from '../applications/application.model';
import { applicationModel, notificationModel, type NotificationDoc } from './notification.model';

export type OutboxState = OutboxEntry['state'];

export function createNotificationsRepository(connection: Connection) {
  const Notification = notificationModel(connection);
  const Application = applicationModel(connection);

  return {
    /** A parent's notices, newest first. */
    async listByOwner(ownerId: string, limit: number): Promise<NotificationDoc[]> {
      return Notification.find({ ownerId }).sort({ createdAt: -1, _id: 1 }).limit(limit).lean<NotificationDoc[]>();
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
