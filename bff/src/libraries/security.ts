import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@koa/cors';
import helmet, { type HelmetOptions } from 'helmet';
import type { Middleware } from 'koa';

/** Splits a configured origin list (CORS_ORIGINS, FRAME_ANCESTORS); `none` and '' are empty. */
export function originsFrom(list: string): string[] {
  if (list.trim() === 'none') return [];
  return list
    .split(',')
    .map((o) => o.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * The headers helmet sets for `options`. They are the same for every answer (no per-request nonce), so
 * they are worked out once: helmet's own middleware (and koa-helmet, a wrapper of it) rebuilds the CSP
 * string and runs a dozen steps per request, ~3 µs of a budget of ~50.
 */
function helmetHeaders(options: HelmetOptions): [string, string][] {
  const headers = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: string | number) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => (failure = err));
  if (failure) throw failure;
  return [...headers];
}

/**
 * The security headers of every answer, from helmet. The Content-Security-Policy is the one the H5 app
 * works under (the browser tests run the app under it and fail on any violation):
 * - scripts only from the BFF's origin, plus the inline scripts of index.html by their hashes; no eval;
 * - styles from the BFF's origin and inline: Taro's components insert <style> elements and set style
 *   attributes at run time, which a hash or nonce cannot cover. Style injection cannot run code;
 * - images, fonts and fetches from the BFF's origin, data: and blob: (photo previews and uploads);
 * - frame-ancestors: the BFF's own pages and the configured embedders (浙里办), so the H5 app can be
 *   shown inside 浙里办 and nowhere else. X-Frame-Options is left out: it cannot name another origin, and
 *   browsers that know frame-ancestors ignore it anyway.
 */
export function securityHeaders(options: {
  scriptHashes: string[];
  frameAncestors: string[];
  hstsMaxAgeSeconds: number;
}): Middleware {
  const headers = helmetHeaders({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'base-uri': ["'self'"],
        'script-src': ["'self'", ...options.scriptHashes],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'", 'data:', 'blob:'],
        'media-src': ["'self'", 'blob:'],
        'worker-src': ["'self'", 'blob:'],
        'object-src': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'self'", ...options.frameAncestors],
        'upgrade-insecure-requests': [],
      },
    },
    strictTransportSecurity:
      options.hstsMaxAgeSeconds > 0 ? { maxAge: options.hstsMaxAgeSeconds, includeSubDomains: true } : false,
    xFrameOptions: false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
  });
  // Data answers (JSON: the API's answers and every problem+json error, wherever its path) are never
  // documents: a policy that lets them load and frame nothing, plus what guards data (nosniff, HSTS, CORP,
  // no referrer), OWASP's REST set. The document-only headers (COOP, Origin-Agent-Cluster, DNS prefetch,
  // download options, X-XSS-Protection) and the app's policy go on every other answer: the H5 app's pages
  // and files, images, the development pages. An answer starts as data (a timeout's 503, written early, is
  // one) and becomes a document once its route has set a body that is not JSON; a policy of its own that
  // the route set (the docs page, a photo) is kept.
  const apiCsp = "default-src 'none'; frame-ancestors 'none'";
  const dataHeaders = new Set([
    'strict-transport-security',
    'x-content-type-options',
    'referrer-policy',
    'cross-origin-resource-policy',
  ]);
  const api: [string, string][] = [
    ['Content-Security-Policy', apiCsp],
    ...headers.filter(([name]) => dataHeaders.has(name.toLowerCase())),
  ];
  const documentOnly = headers.filter(([name]) => !dataHeaders.has(name.toLowerCase()) && name !== 'Content-Security-Policy');
  const appCsp = headers.find(([name]) => name === 'Content-Security-Policy')?.[1] ?? apiCsp;
  return async (ctx, next) => {
    const res = ctx.res;
    for (const [name, value] of api) res.setHeader(name, value);
    await next();
    if (res.headersSent || ctx.body == null) return; // no body yet: the error handler answers in problem+json
    const type = res.getHeader('Content-Type');
    if (typeof type === 'string' && JSON_TYPE.test(type)) return;
    if (res.getHeader('Content-Security-Policy') === apiCsp) res.setHeader('Content-Security-Policy', appCsp);
    for (const [name, value] of documentOnly) res.setHeader(name, value);
  };
}

const JSON_TYPE = /^application\/(?:problem\+)?json\b/i;

/** Every header helmet may set (its defaults set them all). */
const HELMET_HEADERS = new Set(helmetHeaders({}).map(([name]) => name.toLowerCase()));

/**
 * Headers that every answer carries whatever its route (security, CORS, Vary, the request id), as
 * opposed to those a route sets for its own answer (ETag, Location, Content-Type…). Lower-case names.
 */
export function isAnswerWideHeader(name: string): boolean {
  return HELMET_HEADERS.has(name) || name.startsWith('access-control-') || name === 'vary' || name === 'x-request-id';
}

/** True when `origin` is one of `allowed`: exactly, or under a `scheme://*.domain` entry (one or more labels). */
export function originAllowed(origin: string, allowed: readonly string[]): boolean {
  const o = origin.toLowerCase();
  for (const a of allowed) {
    if (a === o) return true;
    const star = a.indexOf('://*.');
    if (star < 0) continue;
    const scheme = a.slice(0, star + 3);
    const suffix = a.slice(star + 4); // ".domain[:port]"
    if (o.startsWith(scheme) && o.endsWith(suffix) && o.length > scheme.length + suffix.length) {
      const label = o.slice(scheme.length, o.length - suffix.length);
      if (/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(label)) return true;
    }
  }
  return false;
}

/**
 * CORS for the configured origins only (never `*`): another origin's page gets no Access-Control-Allow-*
 * headers, so its browser does not let it read our answers. Bearer tokens, not cookies: no credentials.
 */
export function corsFor(allowed: readonly string[]): Middleware | null {
  // No origin configured: no answer differs by Origin, so there is nothing to mount (not even Vary: Origin).
  if (allowed.length === 0) return null;
  return cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      return origin && originAllowed(origin, allowed) ? origin : '';
    },
    allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'X-Request-Id'],
    exposeHeaders: ['ETag', 'Location', 'Retry-After', 'X-Request-Id'],
    maxAge: 600,
    credentials: false,
  });
}
