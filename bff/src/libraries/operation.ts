import type Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import { z, type ZodType } from 'zod';
import { AppError } from './errors';
import { parseInput, requireJson } from './http';
import type { Role } from './auth';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** A response that is not JSON (an image, a page): its media type, and the schema of its bytes when useful. */
export type MediaResponse = { contentType: string; description: string };

/**
 * One documented answer: a zod schema (JSON), `null` for no body (204), or another media type.
 * Error statuses are not written here: they are the `errors` of the operation, all `Problem`.
 */
export type ResponseSpec = ZodType | null | MediaResponse;

export type OperationSpec = {
  method: HttpMethod;
  /** The full path in OpenAPI form: `/api/v1/applications/{id}`. */
  path: string;
  summary: string;
  description?: string;
  /** Who may call it: `public` (no token), or the role its router requires. */
  auth: 'public' | Role;
  /** Behind a rate limit (documents 429). */
  limited?: boolean;
  /** Mounted only outside production and left out of the document (dev inbox, the docs page). */
  devOnly?: boolean;
  /** False for the few operations that never touch the database (no 503). */
  database?: boolean;
  request?: {
    params?: z.ZodObject;
    query?: z.ZodObject;
    headers?: z.ZodObject;
    body?: {
      schema: ZodType;
      contentType?: 'application/json' | 'multipart/form-data';
      /** An empty body is allowed (treated as `{}`). */
      optional?: boolean;
      /**
       * `router` (default): the router parses the body with `schema` before the handler runs and hands on
       * the parsed value. `service`: the router checks it is a JSON object and the service applies `schema`,
       * because the rule depends on what is stored (a merge patch, the stage being rated).
       */
      validatedBy?: 'router' | 'service';
      description?: string;
    };
  };
  /** Success answers by status. */
  responses: Record<number, ResponseSpec>;
  /** Error statuses beyond the ones every operation of its kind has (see `errorStatuses`). */
  errors?: number[];
};

/** Declares one operation of the API; the router mounts it with `route()` and the document describes it. */
export function defineOperation<const T extends OperationSpec>(spec: T): T {
  return spec;
}

/**
 * Every error status an operation documents: the ones it names plus the ones any operation of its kind
 * can answer — 400/413 (any request can carry a broken or huge body), 500 (a bug: problem+json without
 * detail), 401/403 behind a token, 429 behind a limit, 415 with a body, 503 when the database is down.
 */
export function errorStatuses(op: OperationSpec): number[] {
  const all = new Set<number>([400, 413, 500, ...(op.errors ?? [])]);
  if (op.auth !== 'public') [401, 403].forEach((s) => all.add(s));
  if (op.limited) all.add(429);
  if (op.request?.body) all.add(415);
  if (op.database !== false) all.add(503);
  return [...all].sort((a, b) => a - b);
}

/** `/api/v1/applications/{id}` → `/api/v1/applications/:id` */
export const koaPath = (openApiPath: string) => openApiPath.replace(/\{(\w+)\}/g, ':$1');
/** `/api/v1/applications/:id` → `/api/v1/applications/{id}` */
export const openApiPath = (koa: string) => koa.replace(/:(\w+)/g, '{$1}');

const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The request checks the registry declares for `op`: path parameters, query, and the body. */
export function validateRequest(op: OperationSpec): Middleware {
  const { params, query, body } = op.request ?? {};
  return async (ctx: Context, next: Next) => {
    if (params) Object.assign(ctx.params, parseInput(params, ctx.params));
    if (query) parseInput(query, ctx.query, 'query');
    if (body && (body.contentType ?? 'application/json') === 'application/json') {
      const request = ctx.request as unknown as { body?: unknown };
      if (body.optional && !ctx.request.length && !ctx.get('content-type')) {
        request.body = {};
      } else {
        const value = requireJson(ctx);
        if (body.validatedBy === 'service') {
          if (!isObject(value))
            throw new AppError('VALIDATION_FAILED', '请求内容应为一个 JSON 对象', {
              errors: [{ path: '', message: '请求内容应为一个 JSON 对象' }],
            });
        } else {
          request.body = parseInput(body.schema, value);
        }
      }
    }
    await next();
  };
}

/**
 * Mounts `op` on `router` (whose prefix its path starts with) behind the registry's request checks:
 * `route(router, OPERATIONS.getGuide, handler)`. The handler reads the checked body from `ctx.request.body`.
 */
export function route(router: Router, op: OperationSpec, ...handlers: Middleware[]): void {
  const prefix = router.opts.prefix ?? '';
  const full = koaPath(op.path);
  if (!full.startsWith(prefix)) throw new Error(`${op.method.toUpperCase()} ${op.path} is outside the router prefix ${prefix}`);
  const rest = full.slice(prefix.length) || '/';
  // An operation that takes no parameters, query or body has nothing to check (a step less per request).
  const checks = op.request && (op.request.params || op.request.query || op.request.body) ? [validateRequest(op)] : [];
  router[op.method](rest, ...checks, ...(handlers as [Middleware]));
}
