// Development adapters: stand-ins for the push and SMS providers that write to the dev inbox.
export { createDevInbox, type DevInbox, type DevInboxDoc, type DevChannel } from './dev-inbox';
export { createDevPush, type DevPushProvider } from './dev.push';
export { createDevSms, type DevSmsProvider } from './dev.sms';
