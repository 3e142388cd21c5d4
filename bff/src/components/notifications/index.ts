// Notices to parents: the outbox relay that delivers what state changes wrote, the notifier that turns an
// outbox entry into a notification record plus push and SMS, and the parent, operator and dev-inbox routes.
export { createOutboxRelay, describeError, type OutboxRelay, type OutboxRelayDeps, type RelayResult } from './outbox.relay';
export {
  createNotifier,
  PermanentDeliveryError,
  type ChannelFormats,
  type Deliver,
  type Notice,
  type NotifierDeps,
} from './notifications.notifier';
export { createNotificationsService, type NotificationsService } from './notifications.service';
export { devInboxRouter, notificationsRouter, outboxAdminRouter } from './notifications.router';
export { renderNotice, wantsSms, NOTICE_TEMPLATES } from './notification.templates';
