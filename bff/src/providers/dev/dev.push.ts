// Dev push: a PushProvider that lands in the dev inbox instead of WeChat or Alipay, so the embedded
// default runs without credentials. Idempotent by the outbox delivery key, like the real channels
// are made to be by the notifier.
import type { Connection } from 'mongoose';
import type { PushProvider } from '../push/push-provider';
import { createDevInbox } from './dev-inbox';

/** The PushProvider contract with a channel name of its own (the interface names only the real platforms). */
export type DevPushProvider = Omit<PushProvider, 'channel'> & { channel: 'dev' };

/** Text a person would read: the template's keywords in order (the notifier sends `title` and `body`). */
export function messageText(data: Record<string, string>): string {
  const { title, body, ...rest } = data;
  return [title, body, ...Object.values(rest)].filter((s) => typeof s === 'string' && s.length > 0).join(' — ');
}

export function createDevPush(options: { connection: Connection; now?: () => Date }): DevPushProvider {
  const inbox = createDevInbox(options.connection, options.now);
  return {
    channel: 'dev',
    async send(msg) {
      await inbox.record(msg.idempotencyKey, 'push', msg.toUser, msg.templateId, messageText(msg.data));
      return { providerMessageId: `${msg.idempotencyKey}:push` };
    },
  };
}
