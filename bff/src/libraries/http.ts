import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Context, Middleware, Next } from 'koa';
import type { ZodType } from 'zod';
import { formatZodIssues } from '@birth/shared';
import { AppError, ERROR_TITLES, type FieldError } from './errors';
import { requestLineWriter, type Logger } from './logger';
import { isDatabaseUnavailable, isDuplicateKeyError } from './mongo';

export type AppState = { requestId: string; log: Logger };

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * A request's state. The child logger that carries the request id is made on first use: most requests
 * log only their request line, and making a pino child for each of them cost more than the line itself.
 */
class RequestState implements AppState {
  #log: Logger | undefined;
  constructor(
    readonly requestId: string,
    private readonly root: Logger,
  ) {}
  get log(): Logger {
    return (this.#log ??= this.root.child({ requestId: this.requestId }));
  }
}

/** Gives every request an id (kept from X-Request-Id when sane) and a logger carrying it; logs one line per request. */
export function requestContext(logger: Logger): Middleware {
  const writeLine = requestLineWriter(logger);
  return async (ctx: Context, next: Next) => {
    const given = ctx.req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    ctx.state = new RequestState(requestId, logger);
    ctx.res.setHeader('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      // The route pattern, never the raw path or query: both can carry an ID number, a code or a ticket.
      const route =
        (ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? (ctx.status === 404 ? '(no route)' : '(static)');
      // Only these fixed fields: this line is written without redaction (see requestLineWriter).
      // Milliseconds to 0.1: a raw float's eleven-digit tails (`0.13712345678`) read as phone numbers to a
      // log scanner, and say nothing more.
      const ms = Math.round((performance.now() - started) * 10) / 10;
      writeLine(requestId, ctx.method, route, ctx.status, ms);
    }
  };
}

const problemTypes = new Map<string, string>();
/** The `type` URI of a problem code: NOT_FOUND → …/problems/not-found (codes are few: each made once). */
function problemType(code: string): string {
  let type = problemTypes.get(code);
  if (type === undefined) {
    type = `https://birth.zjzwfw.example/problems/${code.toLowerCase().replace(/_/g, '-')}`;
    problemTypes.set(code, type);
  }
  return type;
}

/** The problem+json body (RFC 9457) of an answer: the one error format of the API. */
export function problemBody(
  ctx: Context,
  status: number,
  code: string,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
) {
  return {
    type: problemType(code),
    title,
    status,
    code,
    detail,
    requestId: ctx.state.requestId,
    ...extra,
  };
}

function problem(ctx: Context, status: number, code: string, title: string, detail: string, extra: Record<string, unknown> = {}) {
  ctx.status = status;
  ctx.type = 'application/problem+json';
  ctx.body = problemBody(ctx, status, code, title, detail, extra);
}

/** The one place errors become responses: AppError → problem+json, anything else → a bare 500. */
export function errorHandler(): Middleware {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        problem(ctx, 404, 'NOT_FOUND', ERROR_TITLES.NOT_FOUND.title, '没有这个地址');
      }
    } catch (err) {
      if (err instanceof AppError) {
        const { headers, ...extra } = err.extra;
        if (headers) ctx.set(headers);
        problem(ctx, err.status, err.code, err.title, err.detail, extra);
        if (err.status >= 500) ctx.state.log.error({ code: err.code }, 'dependency failure');
        return;
      }
      if (isDatabaseUnavailable(err)) {
        // The database is down or unreachable: tell the phone to retry, as /readyz tells the load balancer.
        ctx.set('Retry-After', '5');
        problem(
          ctx,
          503,
          'DEPENDENCY_UNAVAILABLE',
          ERROR_TITLES.DEPENDENCY_UNAVAILABLE.title,
          '系统暂时繁忙，请稍后再试，您填写的内容不会丢失',
        );
        ctx.state.log.warn({ err: { type: (err as Error).name } }, 'database unavailable');
        return;
      }
      if (isDuplicateKeyError(err)) {
        // A unique index caught a second write of the same thing: a conflict, never a 500.
        problem(ctx, 409, 'CONFLICT', ERROR_TITLES.CONFLICT.title, '该记录已存在，请勿重复提交');
        return;
      }
      const e = err as { status?: number; expose?: boolean; type?: string; message?: string };
      // Errors thrown by koa's body parser and friends: map the client ones, hide the rest.
      if (e.status === 413 || e.type === 'entity.too.large') {
        problem(ctx, 413, 'PAYLOAD_TOO_LARGE', ERROR_TITLES.PAYLOAD_TOO_LARGE.title, '提交的内容过大，请精简后重试');
      } else if (e.status === 415) {
        problem(
          ctx,
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          ERROR_TITLES.UNSUPPORTED_MEDIA_TYPE.title,
          '请以 JSON 格式提交（Content-Type: application/json）',
        );
      } else if (e.status === 400) {
        problem(ctx, 400, 'BAD_REQUEST', ERROR_TITLES.BAD_REQUEST.title, '请求内容无法解析，请检查格式');
      } else if (e.status === 405 || e.status === 501) {
        // A method the path has no route for, PROPFIND, TRACE and other WebDAV methods included: the client's
        // mistake, so a 4xx (a 501 would count as a server fault), with the path's methods in Allow as RFC 9110
        // requires of a 405; a path no route knows is a 404 whatever the method.
        const allowed = allowedMethods(ctx);
        if (allowed.length) {
          ctx.set('Allow', allowed.join(', '));
          problem(ctx, 405, 'METHOD_NOT_ALLOWED', ERROR_TITLES.METHOD_NOT_ALLOWED.title, '该地址不支持此请求方法');
        } else {
          problem(ctx, 404, 'NOT_FOUND', ERROR_TITLES.NOT_FOUND.title, '没有这个地址');
        }
      } else if (isZlibError(err)) {
        // A body declared deflate/gzip/br that is not: the client's mistake.
        problem(ctx, 400, 'BAD_REQUEST', ERROR_TITLES.BAD_REQUEST.title, '请求内容的压缩格式（Content-Encoding）与内容不符');
      } else {
        // Name and stack frames only: an error's message can echo input values (personal data).
        const stack = String((err as Error)?.stack ?? '')
          .split('\n')
          .slice(1)
          .join('\n');
        ctx.state.log.error({ err: { type: (err as Error)?.name ?? typeof err, stack } }, 'unhandled error');
        problem(ctx, 500, 'INTERNAL', ERROR_TITLES.INTERNAL.title, '系统繁忙，请稍后再试');
      }
    }
  };
}

/** The methods of the routes whose path matched the request (koa-router keeps those layers in `ctx.matched`). */
function allowedMethods(ctx: Context): string[] {
  const layers = (ctx as unknown as { matched?: { methods: string[] }[] }).matched ?? [];
  return [...new Set(layers.flatMap((layer) => layer.methods))];
}

/** zlib's and brotli's errors carry a code of their own and no HTTP status. */
function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  // zlib: Z_DATA_ERROR, Z_BUF_ERROR…; brotli: ERR__ERROR_FORMAT_PADDING_2…, ERR_BROTLI_….
  return typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR__') || code.startsWith('ERR_BROTLI'));
}

/**
 * Parses input with a shared zod schema; on failure lists every bad field at once (400).
 * `pathPrefix` names where the input came from when it is not the body (e.g. 'query').
 */
export function parseInput<T>(schema: ZodType<T>, input: unknown, pathPrefix?: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors: FieldError[] = formatZodIssues(result.error).map((e: FieldError) => ({
    path: pathPrefix ? (e.path ? `${pathPrefix}.${e.path}` : pathPrefix) : e.path,
    message: e.message,
  }));
  throw new AppError('VALIDATION_FAILED', `有 ${errors.length} 项信息需要修改，请按提示逐项更正`, { errors });
}

/** Requires a JSON body for writes that carry one; koa's parser leaves other types unparsed. */
export function requireJson(ctx: Context): unknown {
  if (!ctx.is('application/json')) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', '请以 JSON 格式提交（Content-Type: application/json）');
  }
  return (ctx.request as unknown as { body?: unknown }).body;
}

const RAW_PROBLEMS: Record<number, { code: string; title: string; detail: string }> = {
  400: { code: 'BAD_REQUEST', title: ERROR_TITLES.BAD_REQUEST.title, detail: '请求格式不正确，无法识别。请更新应用后重试。' },
  408: { code: 'REQUEST_TIMEOUT', title: '请求超时', detail: '请求发送得太慢，连接已关闭。请检查网络后重试。' },
  417: { code: 'EXPECTATION_FAILED', title: '不支持的请求', detail: '不支持请求中的 Expect 要求，请去掉后重试。' },
  431: { code: 'HEADERS_TOO_LARGE', title: '请求头过大', detail: '请求头过大，请清理浏览器缓存或重新登录后重试。' },
};

function rawProblem(status: number): string {
  const p = RAW_PROBLEMS[status] ?? RAW_PROBLEMS[400]!;
  return JSON.stringify({
    type: problemType(p.code),
    title: p.title,
    status,
    code: p.code,
    detail: p.detail,
  });
}

/**
 * What Node's HTTP parser refuses before Koa sees it (a method it does not know such as `FOO`, a malformed
 * request line or header, headers over the limit, a request sent too slowly) and an `Expect` other than
 * 100-continue: answered in the API's problem format instead of Node's bare 400 / 417 / 431.
 */
export function answerMalformedRequests(server: HttpServer): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = rawProblem(status);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  server.on('checkExpectation', (_req, res: ServerResponse) => {
    const body = rawProblem(417);
    res.writeHead(417, {
      'Content-Type': 'application/problem+json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
      Connection: 'close',
    });
    res.end(body);
  });
}
