// A phone that is not known to be the parent's own gets no notice SMS until the parent proves it is theirs:
// a 6-digit code by SMS (itself under the per-recipient caps), stored hashed, short-lived, few attempts.
import { randomInt, randomUUID } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import { maskPhone } from '@birth/shared';
import type { FieldCrypto } from '../../libraries/crypto';
import { safeEqual } from '../../libraries/crypto';
import { AppError } from '../../libraries/errors';
import { isDuplicateKeyError } from '../../libraries/mongo';
import type { SmsMessage, SmsProvider } from '../../providers/sms/sms-provider';
import type { Notice } from './notifications.notifier';
import { isProviderError, providerRefused } from '../../providers/provider-error';
import type { SmsLimit, SmsQuota } from './notification.policy';

/** `_id` is `<ownerId>|<phone index>`: inserted once the parent typed the right code. */
type ConfirmedDoc = { _id: string; at: Date };
/**
 * `_id` is `<ownerId>|<phone index>|<n>`, numbered from 0 without gaps: FerretDB answers only `_id` equality
 * from an index, so a parent's codes for a phone are walked by `_id` (the SMS caps bound how many there are).
 */
type CodeDoc = {
  _id: string;
  ownerId: string;
  phoneIndex: string;
  salt: string;
  codeHash: string;
  expiresAt: Date;
  createdAt: Date;
};
/** One per attempt at one code, `<codeId>#<n>`: the unique insert counts attempts without `$inc`. */
type AttemptDoc = { _id: string; at: Date };

const confirmedModel = (c: Connection): Model<ConfirmedDoc> =>
  (c.models.PhoneConfirmed as Model<ConfirmedDoc> | undefined) ??
  c.model<ConfirmedDoc>(
    'PhoneConfirmed',
    new Schema<ConfirmedDoc>({ _id: String, at: Date }, { versionKey: false }),
    'phone_confirmed',
  );
const codeSchema = new Schema<CodeDoc>(
  {
    _id: String,
    ownerId: { type: String, required: true },
    phoneIndex: { type: String, required: true },
    salt: { type: String, required: true },
    codeHash: { type: String, required: true },
    expiresAt: { type: Date, required: true, index: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
const codeModel = (c: Connection): Model<CodeDoc> =>
  (c.models.PhoneCode as Model<CodeDoc> | undefined) ?? c.model<CodeDoc>('PhoneCode', codeSchema, 'phone_codes');
const attemptModel = (c: Connection): Model<AttemptDoc> =>
  (c.models.PhoneCodeAttempt as Model<AttemptDoc> | undefined) ??
  c.model<AttemptDoc>(
    'PhoneCodeAttempt',
    new Schema<AttemptDoc>({ _id: String, at: Date }, { versionKey: false }),
    'phone_code_attempts',
  );

/** The key of a phone in SMS caps and confirmations: a blind index, never the number itself. */
export const recipientKey = (crypto: FieldCrypto, phone: string) =>
  crypto.blindIndex(phone.replace(/^\+?86/, ''), 'sms-recipient');

export type PhoneConfirmationsDeps = {
  connection: Connection;
  crypto: FieldCrypto;
  sms: Pick<SmsProvider, 'send'> | null;
  /** How a notice becomes an SMS (the vendor's template); the code SMS is notice `phone_confirmation`. */
  smsFormat: (notice: Notice) => Pick<SmsMessage, 'templateCode' | 'params'> | null;
  quota: SmsQuota | null;
  limits: readonly SmsLimit[];
  now?: () => Date;
  codeTtlMs?: number;
  maxAttempts?: number;
  /**
   * The phone the identity provider verified for this parent at login (浙里办 real-name SSO), if any: that
   * number is the parent's own and needs no code.
   */
  verifiedPhone?: (ownerId: string) => Promise<string | undefined>;
};

export function createPhoneConfirmations(deps: PhoneConfirmationsDeps) {
  const now = deps.now ?? (() => new Date());
  const ttl = deps.codeTtlMs ?? 10 * 60_000;
  const maxAttempts = deps.maxAttempts ?? 5;
  const Confirmed = confirmedModel(deps.connection);
  const Code = codeModel(deps.connection);
  const Attempt = attemptModel(deps.connection);
  /** A keyed hash of the code, salted per code: the code itself is never stored. */
  const hash = (salt: string, code: string) => deps.crypto.blindIndex(code, `phone-code:${salt}`);

  const digits = (phone: string) => phone.replace(/^\+?86/, '');

  async function isConfirmed(ownerId: string, phone: string): Promise<boolean> {
    if (await Confirmed.exists({ _id: `${ownerId}|${recipientKey(deps.crypto, phone)}` })) return true;
    const verified = await deps.verifiedPhone?.(ownerId);
    return !!verified && digits(verified) === digits(phone);
  }

  return {
    isConfirmed,

    /** Sends a fresh code to `phone`, unless it is confirmed already. */
    async request(ownerId: string, applicationId: string, phone: string) {
      const sentTo = maskPhone(phone);
      if (await isConfirmed(ownerId, phone)) return { sentTo, confirmed: true as const };
      const sms = deps.sms;
      if (!sms)
        throw new AppError('DEPENDENCY_UNAVAILABLE', '短信服务暂未开通，无法发送验证码', { headers: { 'Retry-After': '3600' } });
      const phoneIndex = recipientKey(deps.crypto, phone);
      let counted: string[] = [];
      if (deps.quota) {
        const verdict = await deps.quota.take(phoneIndex, deps.limits);
        if (!verdict.ok) {
          const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
          throw new AppError('RATE_LIMITED', `该手机号接收的短信已达上限，请 ${Math.ceil(seconds / 60)} 分钟后再获取验证码`, {
            headers: { 'Retry-After': String(seconds) },
            limit: verdict.limit,
          });
        }
        counted = verdict.slots;
      }
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const at = now();
      const nonce = randomUUID();
      const expiresAt = new Date(at.getTime() + ttl);
      let id = '';
      for (let n = 0; !id; n++) {
        try {
          await Code.create({
            _id: `${ownerId}|${phoneIndex}|${n}`,
            ownerId,
            phoneIndex,
            salt: nonce,
            codeHash: hash(nonce, code),
            expiresAt,
            createdAt: at,
          });
          id = `${ownerId}|${phoneIndex}|${n}`;
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
        }
      }
      const minutes = Math.round(ttl / 60_000);
      const notice: Notice = {
        deliveryKey: nonce,
        applicationId,
        template: 'phone_confirmation',
        params: { code, minutes: String(minutes) },
        title: '手机号验证码',
        body: `验证码${code}，${minutes}分钟内有效，用于接收出生“一件事”办理进度短信。如非本人操作请忽略。`,
      };
      const message = deps.smsFormat(notice);
      if (!message) throw new AppError('DEPENDENCY_UNAVAILABLE', '短信验证码暂未开通', { headers: { 'Retry-After': '3600' } });
      try {
        await sms.send({ ...message, phone, idempotencyKey: nonce });
      } catch (err) {
        // An SMS the provider refused to send does not count against the phone's caps (an outage of the
        // provider must not use up a parent's codes); one that may have gone out (a timeout) does.
        if (providerRefused(err)) await deps.quota?.giveBack(counted);
        if (isProviderError(err) && (err.kind === 'recipient_invalid' || err.kind === 'bad_request'))
          throw new AppError('UNPROCESSABLE', '该手机号无法接收短信，请检查申请中填写的手机号码');
        throw new AppError('DEPENDENCY_UNAVAILABLE', '短信发送失败，请稍后重新获取验证码', { headers: { 'Retry-After': '30' } });
      }
      return { sentTo, confirmed: false as const, expiresAt: expiresAt.toISOString() };
    },

    /** Checks a code against the newest live one; the phone is confirmed for this parent on a match. */
    async confirm(ownerId: string, phone: string, code: string) {
      const phoneIndex = recipientKey(deps.crypto, phone);
      if (await isConfirmed(ownerId, phone)) return { sentTo: maskPhone(phone), confirmed: true as const };
      const codes: CodeDoc[] = [];
      for (let n = 0; ; n++) {
        const doc = await Code.findById(`${ownerId}|${phoneIndex}|${n}`).lean<CodeDoc>();
        if (!doc) break;
        codes.push(doc);
      }
      // The newest few live codes (a parent may have asked twice); attempts are counted on the newest.
      const live = codes
        .slice(-3)
        .reverse()
        .filter((c) => new Date(c.expiresAt).getTime() > now().getTime());
      const codeError = (message: string) => new AppError('VALIDATION_FAILED', message, { errors: [{ path: 'code', message }] });
      if (!live.length) throw codeError('验证码已过期或未获取，请重新获取验证码。');
      let attempt = 0;
      for (let n = 1; n <= maxAttempts && !attempt; n++) {
        try {
          await Attempt.create({ _id: `${live[0]._id}#${n}`, at: now() });
          attempt = n;
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
        }
      }
      if (!attempt) throw codeError('验证码输入错误次数过多，请重新获取验证码。');
      if (!live.some((c) => safeEqual(c.codeHash, hash(c.salt, code))))
        throw codeError(
          attempt < maxAttempts ? `验证码不正确，还可以再试 ${maxAttempts - attempt} 次。` : '验证码不正确，请重新获取验证码。',
        );
      try {
        await Confirmed.create({ _id: `${ownerId}|${phoneIndex}`, at: now() });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
      return { sentTo: maskPhone(phone), confirmed: true as const };
    },
  };
}

export type PhoneConfirmations = ReturnType<typeof createPhoneConfirmations>;
