import Router from '@koa/router';
import type { Middleware } from 'koa';

/**
 * Every router of the BFF is made here, so they all match paths the same way: case-sensitively.
 * A case-insensitive route behind a case-sensitive `router.use()` guard once let `/API/V1/ADMIN/sla`
 * run without its role check; with `sensitive: true` such a path matches no route at all (404).
 * The deny-by-default gate (`authenticateByDefault` in auth.ts) guards every /api/ path on top of this.
 */
export function apiRouter(prefix?: string): Router {
  return new Router({ prefix, sensitive: true });
}

/** Method and path of every route of `routers`, e.g. for a test that probes each one. */
export function listRoutes(routers: Router[]): { method: string; path: string }[] {
  return routers.flatMap((router) =>
    router.stack
      .filter((layer) => layer.methods.length > 0)
      .flatMap((layer) => layer.methods.filter((m) => m !== 'HEAD').map((method) => ({ method, path: String(layer.path) }))),
  );
}

/** Middleware that runs `steps` in order, as consecutive app.use() calls would. */
function inSequence(steps: Middleware[]): Middleware {
  return steps.reduceRight<Middleware>(
    (inner, step) => (ctx, next) => step(ctx, () => inner(ctx, next)),
    (_ctx, next) => next(),
  );
}

/** The fixed start of a layer's path, before its first parameter, group or wildcard ('' for a RegExp). */
function fixedStart(path: string | RegExp): string {
  if (typeof path !== 'string') return '';
  const cut = path.search(/[:(*{]/);
  return cut < 0 ? path : path.slice(0, cut);
}

/**
 * Mounts `routers` in order, each with its `allowedMethods({ throw: true })`, as
 * `app.use(router.routes()); app.use(router.allowedMethods(...))` for each would, but a request passes
 * only through the routers that could match it: a router could when one of its layers' fixed path start
 * (before any parameter) begins the path, or, for a route without parameters, is the path (with or without
 * a trailing slash, as koa-router matches it). The routers left out could only have added an empty match
 * and repeated the 405/501 check that every router makes alike on the shared `ctx.matched`. A path no
 * router could match goes straight on: the error handler answers it 404 whatever the method, as it would
 * have answered the 501 of an unknown method on a path without routes. Before this, a 404 went through
 * all fifteen routers.
 */
export function mountRouters(routers: Router[]): Middleware {
  const mounted = routers.map((router) => {
    const starts = router.stack.map((layer) => {
      const start = fixedStart(layer.path);
      // A route whose path is all fixed matches that path only; a guard (`use`) or a parameter, any continuation.
      const exact = layer.methods.length > 0 && typeof layer.path === 'string' && start === layer.path && start !== '';
      const sensitive = Boolean(layer.opts.sensitive);
      return { start: sensitive ? start : start.toLowerCase(), sensitive, exact };
    });
    return { starts, chain: inSequence([router.routes() as Middleware, router.allowedMethods({ throw: true }) as Middleware]) };
  });
  const chains = new Map<string, Middleware>();
  return (ctx, next) => {
    const path = ctx.path;
    let lower: string | undefined;
    const picked: number[] = [];
    mounted.forEach((m, i) => {
      const could = m.starts.some((s) => {
        const p = s.sensitive ? path : (lower ??= path.toLowerCase());
        return s.exact ? p === s.start || p === `${s.start}/` : p.startsWith(s.start);
      });
      if (could) picked.push(i);
    });
    if (picked.length === 0) return next();
    const key = picked.join(',');
    let chain = chains.get(key);
    if (!chain) {
      chain = inSequence(picked.map((i) => mounted[i].chain));
      chains.set(key, chain);
    }
    return chain(ctx, next);
  };
}
