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
    return {
      router,
      starts,
      chain: inSequence([router.routes() as Middleware, router.allowedMethods({ throw: true }) as Middleware]),
    };
  });
  const pick = (path: string): number[] => {
    let lower: string | undefined;
    const picked: number[] = [];
    mounted.forEach((m, i) => {
      const could = m.starts.some((s) => {
        const p = s.sensitive ? path : (lower ??= path.toLowerCase());
        return s.exact ? p === s.start || p === `${s.start}/` : p.startsWith(s.start);
      });
      if (could) picked.push(i);
    });
    return picked;
  };
  const lanes = fastLanes(mounted, pick);
  const chains = new Map<string, Middleware>();
  return (ctx, next) => {
    const path = ctx.path;
    const lane = lanes.get(path);
    if (lane && lane.methods.has(ctx.method)) return lane.run(ctx, next);
    const picked = pick(path);
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

type Lane = { methods: ReadonlySet<string>; run: Middleware };

/**
 * The fast lanes: the exact paths (and their trailing-slash twins) that one router alone could match and
 * in which one layer alone matches, a case-sensitive route without parameters (/healthz, the guide, the
 * OpenAPI document…). For its methods such a path runs that route's steps straight away, with the context
 * koa-router would have set (matched layer, route pattern, empty params), instead of koa-router's matching,
 * chain building and allowedMethods check (~1.5 µs of a ~12 µs answer). Any other method, or a path with
 * parameters, goes the usual way. tests/bff/router.mount.test.ts answers every route both ways.
 */
function fastLanes(
  mounted: { router: Router; starts: { exact: boolean }[] }[],
  pick: (path: string) => number[],
): Map<string, Lane> {
  const lanes = new Map<string, Lane>();
  mounted.forEach(({ router }, i) => {
    router.stack.forEach((layer, j) => {
      if (!mounted[i].starts[j].exact || !layer.opts.sensitive) return;
      const path = String(layer.path);
      for (const variant of [path, `${path}/`]) {
        const picked = pick(variant);
        const matching = router.stack.filter((l) => l.match(variant));
        if (picked.length !== 1 || picked[0] !== i || matching.length !== 1 || matching[0] !== layer) continue;
        const steps = inSequence(layer.stack as Middleware[]);
        const name = layer.name || undefined;
        lanes.set(variant, {
          methods: new Set(layer.methods),
          run: (ctx, next) => {
            const c = ctx as unknown as Record<string, unknown>;
            c.matched = [layer];
            c.router = router;
            c.routeMatched = true;
            c.captures = [];
            ctx.params = {};
            (ctx.request as unknown as { params: object }).params = ctx.params;
            c.routerPath = path;
            c.routerName = name;
            c._matchedRoute = path;
            if (name) c._matchedRouteName = name;
            return steps(ctx, next);
          },
        });
      }
    });
  });
  return lanes;
}
