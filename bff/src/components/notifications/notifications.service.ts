import type { Connection } from 'mongoose';
import { validationFailed } from '../../libraries/errors';
import { createDevInbox } from '../../providers/dev';
import { createNotificationsRepository, type OutboxState } from './notifications.repository';

const NOTICE_LIMIT = 100;
const OUTBOX_APPLICATION_LIMIT = 200;
const OUTBOX_STATES: readonly OutboxState[] = ['dead', 'pending'];

export function createNotificationsService(deps: { connection: Connection }) {
  const repo = createNotificationsRepository(deps.connection);
  const inbox = createDevInbox(deps.connection);

  return {
    /** The parent's notices, newest first, at most 100. */
    async listForOwner(ownerId: string) {
      const docs = await repo.listByOwner(ownerId, NOTICE_LIMIT);
      return {
        notifications: docs.map((d) => ({
          id: d._id,
          applicationId: d.applicationId,
          itemKey: d.itemKey ?? null,
          title: d.title,
          body: d.body,
          createdAt: new Date(d.createdAt).toISOString(),
        })),
      };
    },

    /**
     * Outbox entries in one state, for operators. Only what says where a delivery stands: never the
     * params (they may carry a place or a tracking number) and never anything of the parents.
     */
    async listOutbox(state: string | undefined) {
      const wanted = (state ?? 'dead') as OutboxState;
      if (!OUTBOX_STATES.includes(wanted))
        throw validationFailed([{ path: 'query.state', message: 'state 应为 dead 或 pending' }]);
      const apps = await repo.findWithOutboxState(wanted, OUTBOX_APPLICATION_LIMIT);
      const entries = apps.flatMap((app) =>
        app.outbox
          .filter((e) => e.state === wanted)
          .map((e) => ({
            id: e.id,
            applicationId: app._id,
            template: e.template,
            itemKey: e.itemKey ?? null,
            state: e.state,
            attempts: e.attempts ?? 0,
            lastError: e.lastError ?? null,
            nextAt: new Date(e.nextAt).toISOString(),
            createdAt: new Date(e.createdAt).toISOString(),
          })),
      );
      entries.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      return { state: wanted, count: entries.length, entries };
    },

    /** What dev push and dev SMS would have sent, newest first. */
    devInbox: () => inbox.list(),
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
