import type { Context, Middleware, Next } from 'koa';
import { AppError, ERROR_TITLES } from './errors';
import { problemBody } from './http';

/** Which requests are photo uploads: they get their own, larger body limit and a longer timeout. */
export type IsUpload = (ctx: Context) => boolean;

const size = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;

/**
 * A body limit on every route: a request that declares a longer body than its route takes is refused
 * with 413 before anything reads it (uploads have `uploadBytes`, everything else `bytes`). Bodies sent
 * without a length (chunked) are cut off by whatever reads them: the JSON parser at the same limit,
 * multer at the photo limits. A body no route reads (a GET with a body, an unparsed type) is not read at
 * all, and the connection is closed after the answer rather than drained, so it cannot stream on forever.
 */
export function bodyLimit(options: { bytes: number; uploadBytes: number; isUpload: IsUpload }): Middleware {
  const limited = async (ctx: Context, next: Next) => {
    const limit = options.isUpload(ctx) ? options.uploadBytes : options.bytes;
    if (Number(ctx.req.headers['content-length']) > limit) {
      ctx.set('Connection', 'close');
      throw new AppError('PAYLOAD_TOO_LARGE', `提交的内容过大（不能超过 ${size(limit)}），请精简后重试`);
    }
    try {
      await next();
    } finally {
      if (!ctx.req.readableEnded && !ctx.headerSent) ctx.set('Connection', 'close');
    }
  };
  return (ctx, next) => {
    const { headers } = ctx.req;
    const length = headers['content-length'];
    const hasBody = (length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined;
    return hasBody ? limited(ctx, next) : next();
  };
}

/**
 * Answers 503 (problem+json, Retry-After) to a request still running after `ms` (`uploadMs` for uploads).
 * The answer is written at that moment, whole, and Koa is told not to write another: whatever the route
 * does afterwards cannot change it or add to it (Koa ignores headers and status once they are sent), and
 * the headers the route had set are taken back, so the 503 carries only those every answer carries
 * (`keepHeader`: request id, security and CORS headers, Vary). The route is not stopped: a write it
 * finishes later is kept, and the phone's retry with the same Idempotency-Key gets its answer.
 */
export function requestTimeout(options: {
  ms: number;
  uploadMs: number;
  isUpload: IsUpload;
  keepHeader: (lowerCaseName: string) => boolean;
}): Middleware {
  const expire = (ctx: Context, ms: number) => {
    timedOut.add(ctx);
    if (ctx.headerSent) {
      // A route that wrote to the socket itself: a half-sent answer cannot be taken back, only cut.
      ctx.respond = false;
      ctx.req.socket.destroy();
      ctx.state.log.warn({ ms }, 'request timed out after its answer had started; connection closed');
      return;
    }
    for (const name of ctx.res.getHeaderNames()) if (!options.keepHeader(name)) ctx.res.removeHeader(name);
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
  // One timer checks the deadlines of the requests in flight, instead of a timer per request (setting and
  // clearing one cost ~1.2 µs of a small answer's ~13 in-process). A request is answered between its
  // deadline and one tick later: a tenth of the shorter timeout, at most a second (30 s → 30–31 s).
  const tick = Math.max(10, Math.min(1000, Math.floor(Math.min(options.ms, options.uploadMs) / 10)));
  // Two lists, each in deadline order because all its entries have the same duration: plain and uploads.
  const lists = [new Set<InFlight>(), new Set<InFlight>()];
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    const now = performance.now();
    for (const list of lists) {
      for (const entry of list) {
        if (entry.deadline > now) break;
        list.delete(entry);
        expire(entry.ctx, entry.ms);
      }
    }
    if (lists[0].size === 0 && lists[1].size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  return async (ctx, next) => {
    const upload = options.isUpload(ctx);
    const ms = upload ? options.uploadMs : options.ms;
    const list = lists[upload ? 1 : 0];
    const entry: InFlight = { ctx, ms, deadline: performance.now() + ms };
    list.add(entry);
    timer ??= setInterval(check, tick).unref();
    try {
      await next();
    } finally {
      list.delete(entry);
      if (timedOut.has(ctx)) settleLate(ctx);
    }
  };
}

type InFlight = { ctx: Context; ms: number; deadline: number };

const timedOut = new WeakSet<Context>();

/** After a timeout answer: a stream the route set would never be read (release it); say how it ended. */
function settleLate(ctx: Context) {
  const body = ctx.body as { destroy?: () => void; pipe?: unknown } | undefined;
  if (body && typeof body.pipe === 'function' && typeof body.destroy === 'function') body.destroy();
  ctx.state.log.warn('request finished after its timeout answer');
}
