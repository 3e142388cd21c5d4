import Router from '@koa/router';

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
