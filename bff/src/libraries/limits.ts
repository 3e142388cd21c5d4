import type { Context, Middleware } from 'koa';
import { AppError, ERROR_TITLES } from './errors';
import { problemBody } from './http';

/** Which requests are photo uploads: they get their own, larger body limit and a longer timeout. */
export type IsUpload = (ctx: Context) => boolean;

const kib = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;

function declaresBody(ctx: Context): boolean {
  const length = ctx.req.headers['content-length'];
  return (length !== undefined && length !== '0') || ctx.req.headers['transfer-encoding'] !== undefined;
}

/**
 * A body limit on every route: a request that declares a longer body than its route takes is refused
 * with 413 before anything reads it (uploads have `uploadBytes`, everything else `bytes`). Bodies sent
 * without a length (chunked) are cut off by whatever reads them: the JSON parser at the same limit,
 * multer at the photo limits. A body no route reads (a GET with a body, an unparsed type) is not read at
 * all, and the connection is closed after the answer rather than drained, so it cannot stream on forever.
 */
export function bodyLimit(options: { bytes: number; uploadBytes: number; isUpload: IsUpload }): Middleware {
  return async (ctx, next) => {
    if (!declaresBody(ctx)) return next();
    const limit = options.isUpload(ctx) ? options.uploadBytes : options.bytes;
    const declared = Number(ctx.req.headers['content-length']);
    if (declared > limit) {
      ctx.set('Connection', 'close');
      throw new AppError('PAYLOAD_TOO_LARGE', `提交的内容过大（不能超过 ${kib(limit)}），请精简后重试`);
    }
    try {
      await next();
    } finally {
      if (!ctx.req.readableEnded && !ctx.headerSent) ctx.set('Connection', 'close');
    }
  };
}

/**
 * Answers 503 (problem+json, Retry-After) to a request still running after `ms` (`uploadMs` for uploads).
 * The answer is written here, whole, at once, and Koa is told not to write another: whatever the route
 * still does afterwards cannot change it or add to it (Koa ignores headers and status once they are
 * sent), and headers the route had already set are taken back, so the 503 carries only what the
 * middleware before this one set (request id, security and CORS headers). The route is not stopped: a
 * write it finishes later is kept, and the phone's retry with the same Idempotency-Key gets its answer.
 */
export function requestTimeout(options: { ms: number; uploadMs: number; isUpload: IsUpload }): Middleware {
  return async (ctx, next) => {
    const ms = options.isUpload(ctx) ? options.uploadMs : options.ms;
    const started = Date.now();
    const upstream = ctx.res.getHeaders();
    let timer: NodeJS.Timeout | undefined;
    const work = next();
    const expired = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(resolve, ms, TIMED_OUT);
    });
    let outcome: unknown;
    try {
      outcome = await Promise.race([work, expired]);
    } finally {
      clearTimeout(timer);
    }
    if (outcome !== TIMED_OUT) return;

    work.then(
      () => lateEnd(ctx, started, 'finished'),
      () => lateEnd(ctx, started, 'failed'),
    );
    if (ctx.headerSent) {
      // A route that wrote to the socket itself: a half-sent answer cannot be taken back, only cut.
      ctx.req.socket.destroy();
      return;
    }
    for (const name of ctx.res.getHeaderNames()) if (!(name in upstream)) ctx.res.removeHeader(name);
    for (const [name, value] of Object.entries(upstream)) if (value !== undefined) ctx.res.setHeader(name, value);
    const body = JSON.stringify(
      problemBody(
        ctx,
        503,
        'REQUEST_TIMEOUT',
        ERROR_TITLES.REQUEST_TIMEOUT.title,
        '系统处理超时，请稍后重试，您填写的内容不会丢失',
      ),
    );
    ctx.respond = false;
    ctx.res.statusCode = 503;
    ctx.res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
    ctx.res.setHeader('Content-Length', Buffer.byteLength(body));
    ctx.res.setHeader('Retry-After', '5');
    ctx.res.setHeader('Cache-Control', 'no-store');
    // An upload still arriving is not read to its end: the connection closes after the answer.
    if (!ctx.req.readableEnded) ctx.res.setHeader('Connection', 'close');
    ctx.res.end(body);
    ctx.state.log.warn({ ms }, 'request timed out');
  };
}

const TIMED_OUT = Symbol('timed out');

function lateEnd(ctx: Context, started: number, how: 'finished' | 'failed') {
  // A stream the route set after the answer went out would never be read: release it.
  const body = ctx.body as { destroy?: () => void; pipe?: unknown } | undefined;
  if (body && typeof body.pipe === 'function' && typeof body.destroy === 'function') body.destroy();
  ctx.state.log.warn({ ms: Date.now() - started }, `request ${how} after its timeout`);
}
