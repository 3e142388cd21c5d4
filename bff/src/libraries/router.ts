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
 * only through the routers that could match it. A router none of whose layers (routes and `use` guards)
 * starts like the path cannot match it, and would only have added an empty match and repeated the 405/501
 * check that every router makes alike on the shared `ctx.matched`; when no router could match, the first
 * one still runs, so unknown methods keep their 501. Before this, a 404 went through all fifteen routers.
 */
export function mountRouters(routers: Router[]): Middleware {
  const mounted = routers.map((router) => {
    const starts = router.stack.map((layer) => {
      const start = fixedStart(layer.path);
      return layer.opts.sensitive ? { start, sensitive: true } : { start: start.toLowerCase(), sensitive: false };
    });
    return { starts, chain: inSequence([router.routes() as Middleware, router.allowedMethods({ throw: true }) as Middleware]) };
  });
  const chains = new Map<string, Middleware>();
  return (ctx, next) => {
    const path = ctx.path;
    let lower: string | undefined;
    const picked: number[] = [];
    mounted.forEach((m, i) => {
      if (m.starts.some((s) => (s.sensitive ? path : (lower ??= path.toLowerCase())).startsWith(s.start))) picked.push(i);
    });
    if (picked.length === 0) picked.push(0);
    const key = picked.join(',');
    let chain = chains.get(key);
    if (!chain) {
      chain = inSequence(picked.map((i) => mounted[i].chain));
      chains.set(key, chain);
    }
    return chain(ctx, next);
  };
}
