import type { Context, Middleware } from 'koa';
import { AppError } from './errors';
import type { Quota } from './quota';

/**
 * A request limit per key in fixed windows, counted in the database (libraries/quota.ts), so it holds
 * across every BFF replica: `max` requests per `windowMs` for one key, whichever process answers them.
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
  const limits = [{ name: options.name, windowMs: options.windowMs, max: options.max }] as const;
  const now = options.now ?? Date.now;
  let lastSweep = now();
  return async (ctx, next) => {
    // Ended windows are removed now and then by whichever process passes by; a failed sweep is retried later.
    if (now() - lastSweep > options.windowMs) {
      lastSweep = now();
      void options.quota.sweep().catch(() => undefined);
    }
    const verdict = await options.quota.take(options.key(ctx), limits);
    if (!verdict.ok) {
      const retryAfter = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
      throw new AppError('RATE_LIMITED', `操作过于频繁，请 ${retryAfter} 秒后再试`, {
        headers: { 'Retry-After': String(retryAfter) },
      });
    }
    await next();
  };
}
