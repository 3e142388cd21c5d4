// Dev SMS: an SmsProvider that lands in the dev inbox, with the phone number masked before it is stored.
import type { Connection } from 'mongoose';
import type { SmsProvider } from '../sms/sms-provider';
import { createDevInbox } from './dev-inbox';
import { messageText } from './dev.push';

/** The SmsProvider contract with a vendor name of its own (the interface names only the real vendors). */
export type DevSmsProvider = Omit<SmsProvider, 'vendor'> & { vendor: 'dev' };

/** Shows the SMS as the handset would: the signature 【…】 and the text (the format sends it as `body`). */
export function createDevSms(options: { connection: Connection; now?: () => Date; signName?: string }): DevSmsProvider {
  const signature = `【${options.signName ?? '出生一件事'}】`;
  const inbox = createDevInbox(options.connection, options.now);
  return {
    vendor: 'dev',
    async send(msg) {
      await inbox.record(msg.idempotencyKey, 'sms', msg.phone, msg.templateCode, `${signature}${messageText(msg.params)}`);
      return { providerMessageId: `${msg.idempotencyKey}:sms` };
    },
  };
}
