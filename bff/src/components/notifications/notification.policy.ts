// The delivery policy of parent notices: which channel, when, and how many SMS one phone may get.
import { CHINA_UTC_OFFSET_MS } from '@birth/shared';
import type { Quota, QuotaLimit } from '../../libraries/quota';

/** Notices that must reach the parent by push or SMS (besides the in-app inbox) whenever a channel can. */
export const MUST_REACH: ReadonlySet<string> = new Set(['item_rejected', 'item_ready_for_pickup', 'rating_invitation']);

/**
 * Not a failure: the notice waits until `until` (quiet hours, an SMS cap's next window, the combining window).
 * The relay moves the entry's `nextAt` there without counting an attempt, and shows `reason` to operators.
 */
export class DeliveryDeferred extends Error {
  override readonly name = 'DeliveryDeferred';
  readonly retryable = true;
  constructor(
    readonly until: Date,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export const isDeferred = (err: unknown): err is DeliveryDeferred => err instanceof DeliveryDeferred;

/** Minutes after China-time midnight. */
export type QuietHours = { startMinute: number; endMinute: number };

/** `21:00-08:00` → minutes; throws on anything else (the config schema checks the shape first). */
export function parseQuietHours(text: string): QuietHours | null {
  if (text === 'off') return null;
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`quiet hours must be HH:MM-HH:MM or off, got ${text}`);
  const [sh, sm, eh, em] = m.slice(1).map(Number);
  if (sh > 23 || eh > 23 || sm > 59 || em > 59) throw new Error(`quiet hours must be HH:MM-HH:MM or off, got ${text}`);
  return { startMinute: sh * 60 + sm, endMinute: eh * 60 + em };
}

/**
 * When quiet hours end, if `at` falls inside them (China time, no daylight saving); null when it is daytime.
 * A window across midnight (21:00–08:00) ends on the next morning when `at` is in the evening.
 */
export function quietUntil(at: Date, quiet: QuietHours | null): Date | null {
  if (!quiet || quiet.startMinute === quiet.endMinute) return null;
  const local = at.getTime() + CHINA_UTC_OFFSET_MS;
  const dayStart = Math.floor(local / 86_400_000) * 86_400_000;
  const minute = (local - dayStart) / 60_000;
  const { startMinute: s, endMinute: e } = quiet;
  const inside = s < e ? minute >= s && minute < e : minute >= s || minute < e;
  if (!inside) return null;
  const endToday = dayStart + e * 60_000;
  const end = endToday > local ? endToday : endToday + 86_400_000;
  return new Date(end - CHINA_UTC_OFFSET_MS);
}

/** One fixed-window limit of the shared quota library (libraries/quota.ts). */
export type SmsLimit = QuotaLimit;
/** The part of the quota library SMS use: one unit under every limit (or none), and giving units back. */
export type SmsQuota = Pick<Quota, 'take' | 'giveBack'>;

export function smsLimits(perHour: number, perDay: number): SmsLimit[] {
  return [
    { name: 'sms-hour', windowMs: 3_600_000, max: perHour },
    { name: 'sms-day', windowMs: 86_400_000, max: perDay },
  ];
}

/** What the SMS cap says to an operator: which limit, never whose phone. */
export const cappedReason = (limit: string) => `SMS cap reached (${limit}): waits for the next window`;
