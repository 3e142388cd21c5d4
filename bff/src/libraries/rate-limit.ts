import type { Context, Middleware } from 'koa';
import { AppError } from './errors';

/**
 * Fixed-window request limit per key, in this process's memory. Each BFF replica limits on its own (so
 * the effective limit is replicas × max): a first line against guessing and floods, not a quota system;
 * a shared limit belongs at the gateway.
 */
export function rateLimit(options: {
  max: number;
  windowMs: number;
  key: (ctx: Context) => string;
  now?: () => number;
}): Middleware {
  const now = options.now ?? Date.now;
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = now();
  return async (ctx, next) => {
    const t = now();
    if (t - lastSweep > options.windowMs) {
      for (const [k, w] of windows) if (t - w.start >= options.windowMs) windows.delete(k);
      lastSweep = t;
    }
    const key = options.key(ctx);
    let w = windows.get(key);
    if (!w || t - w.start >= options.windowMs) {
      w = { start: t, count: 0 };
      windows.set(key, w);
    }
    w.count += 1;
    if (w.count > options.max) {
      const retryAfter = Math.max(1, Math.ceil((w.start + options.windowMs - t) / 1000));
      throw new AppError('RATE_LIMITED', `操作过于频繁，请 ${retryAfter} 秒后再试`, {
        headers: { 'Retry-After': String(retryAfter) },
      });
    }
    await next();
  };
}
