import type { Context, Middleware } from 'koa';
import { AppError } from './errors';
import { windowStart, type Quota, type QuotaVerdict } from './quota';

/**
 * How many requests one database unit stands for under a limit of `max`: the largest divisor of `max` that
 * leaves at least ten units to share, so a process holding part of a unit can keep at most a tenth of the
 * limit from the others. Limits under 20 are counted request by request.
 */
export function requestsPerUnit(max: number): number {
  for (let size = Math.floor(max / 10); size > 1; size--) if (max % size === 0) return size;
  return 1;
}

/**
 * A request limit per key in fixed windows, counted in the database (libraries/quota.ts), so it holds
 * across every BFF replica: at most `max` requests per `windowMs` for one key, whichever process answers them.
 *
 * The database counts units of `requestsPerUnit(max)` requests (e.g. 30 under the parent limit of 300): a
 * process takes a unit for a key when it has none left in the window and answers that many requests of the
 * key before it asks again. A parent polling its progress thus costs one insert a minute, not one a request
 * (an insert costs as much as two reads on the embedded database: issue 12). No replica can exceed `max`
 * between them; with R replicas a key can be refused up to R × (unit − 1) requests early, when each holds
 * the unused part of a unit (at most R tenths of the limit). Limits under 20 count every request.
 *
 * `key` must not return personal data as it is: it is stored. IP addresses and account ids are blind-indexed
 * (FieldCrypto.blindIndex) by the caller.
 *
 * When the database cannot be reached the limiter does not decide: the quota's error reaches the error
 * handler, which answers 503 with Retry-After (never a 500). Every limited route needs the database anyway,
 * so failing open would only let a flood through to a database that is coming back.
 */
export function rateLimit(options: {
  /** The limit's name in the database; one name per kind of limit (`login`, `parent`). */
  name: string;
  max: number;
  windowMs: number;
  key: (ctx: Context) => string;
  quota: Quota;
  now?: () => number;
}): Middleware {
  const unit = requestsPerUnit(options.max);
  // The unit size is in the name, so units of another size (a changed limit, a replica of another
  // version) are never counted as these.
  const limits = [
    { name: unit > 1 ? `${options.name}/${unit}` : options.name, windowMs: options.windowMs, max: options.max / unit },
  ] as const;
  const now = options.now ?? Date.now;
  let lastSweep = now();
  // Requests left of the units this process holds, per key, in the current window only; and the takes
  // under way, so that a burst of one key's requests waits for one unit instead of each taking its own.
  let window = -1;
  let left = new Map<string, number>();
  const taking = new Map<string, Promise<QuotaVerdict>>();
  const takeUnit = async (key: string): Promise<QuotaVerdict> => {
    const verdict = await options.quota.take(key, limits);
    // The window may have turned while the unit was taken: it then belongs to the new one, not to `left`.
    if (verdict.ok && windowStart(options.windowMs, now()) === window) left.set(key, (left.get(key) ?? 0) + unit);
    return verdict;
  };
  return async (ctx, next) => {
    const at = now();
    // Ended windows are removed now and then by whichever process passes by; a failed sweep is retried later.
    if (at - lastSweep > options.windowMs) {
      lastSweep = at;
      void options.quota.sweep().catch(() => undefined);
    }
    const key = options.key(ctx);
    for (;;) {
      const current = windowStart(options.windowMs, now());
      if (current !== window || left.size > 100_000) {
        window = current;
        left = new Map();
      }
      const held = left.get(key) ?? 0;
      if (held > 0) {
        left.set(key, held - 1);
        break;
      }
      let take = taking.get(key);
      if (!take) {
        take = takeUnit(key).finally(() => taking.delete(key));
        taking.set(key, take);
      }
      const verdict = await take;
      if (!verdict.ok) {
        const retryAfter = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
        throw new AppError('RATE_LIMITED', `操作过于频繁，请 ${retryAfter} 秒后再试`, {
          headers: { 'Retry-After': String(retryAfter) },
        });
      }
      // The unit's requests are in `left` now: the next round takes one of them, or another unit (when
      // more requests waited than a unit holds, or the window turned meanwhile).
    }
    await next();
  };
}
