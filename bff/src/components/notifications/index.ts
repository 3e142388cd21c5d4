// Notices to parents: the outbox relay that delivers what state changes wrote, the notifier that turns an
// outbox entry into a notification record plus push and SMS, and the parent, operator and dev-inbox routes.
export { createOutboxRelay, describeError, type OutboxRelay, type OutboxRelayDeps, type RelayResult } from './outbox.relay';
export {
  createNotifier,
  guardianPhone,
  PermanentDeliveryError,
  type ChannelFormats,
  type Deliver,
  type Notice,
  type NotifierDeps,
  type NotifierPolicy,
} from './notifications.notifier';
export { COMBINED_TEMPLATE, COMBINABLE, renderCombined } from './notification.combine';
export { DeliveryDeferred, MUST_REACH, parseQuietHours, quietUntil, smsLimits, type SmsQuota } from './notification.policy';
export { createPhoneConfirmations, recipientKey, type PhoneConfirmations } from './phone-confirmations';
export { createNotificationsService, type NotificationsService } from './notifications.service';
export { devInboxRouter, notificationsRouter, outboxAdminRouter, phoneConfirmationsRouter } from './notifications.router';
export { renderNotice, wantsSms, NOTICE_TEMPLATES } from './notification.templates';
