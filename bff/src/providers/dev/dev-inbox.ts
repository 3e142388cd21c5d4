// The development stand-in for the outside world's inboxes: dev push and dev SMS write here instead of
// calling WeChat, Alipay or an SMS vendor, and GET /dev/inbox shows it. It never holds a full phone
// number or platform user id: recipients are masked before they are stored.
import { Schema, type Connection, type Model } from 'mongoose';
import { maskPhone } from '@birth/shared';
import { isDuplicateKeyError } from '../../libraries/mongo';

export type DevChannel = 'push' | 'sms';

export type DevInboxDoc = {
  /** `<delivery key>:<channel>`: one message per outbox entry and channel, however often it is sent. */
  _id: string;
  channel: DevChannel;
  /** Masked: `139****5432` for a phone, the same shape for a user id. */
  recipient: string;
  template: string;
  text: string;
  createdAt: Date;
};

const devInboxSchema = new Schema<DevInboxDoc>(
  {
    _id: String,
    channel: { type: String, required: true },
    recipient: { type: String, required: true },
    template: { type: String, required: true },
    text: { type: String, required: true },
    createdAt: { type: Date, required: true, index: true },
  },
  { versionKey: false },
);

function devInboxModel(connection: Connection): Model<DevInboxDoc> {
  return (
    (connection.models.DevInbox as Model<DevInboxDoc> | undefined) ??
    connection.model<DevInboxDoc>('DevInbox', devInboxSchema, 'dev_inbox')
  );
}

export type DevInbox = ReturnType<typeof createDevInbox>;

export function createDevInbox(connection: Connection, now: () => Date = () => new Date()) {
  const Inbox = devInboxModel(connection);
  return {
    /** Records one message; a second send with the same key is recognised and not stored again. */
    async record(
      key: string,
      channel: DevChannel,
      recipient: string,
      template: string,
      text: string,
    ): Promise<{ duplicate: boolean }> {
      try {
        await Inbox.create({
          _id: `${key}:${channel}`,
          channel,
          recipient: maskPhone(recipient),
          template,
          text,
          createdAt: now(),
        });
        return { duplicate: false };
      } catch (err) {
        if (isDuplicateKeyError(err)) return { duplicate: true };
        throw err;
      }
    },

    /** Newest first. */
    async list(limit = 200): Promise<DevInboxDoc[]> {
      return Inbox.find({}).sort({ createdAt: -1, _id: 1 }).limit(limit).lean<DevInboxDoc[]>();
    },
  };
}
