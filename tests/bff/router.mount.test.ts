// mountRouters (libraries/router.ts) runs only the routers that could match a path, and the routes without
// parameters straight from their fast lane. It must answer every request exactly as mounting each router's
// routes() and allowedMethods() in order would: same status, same Allow header, same route in the request
// line, same params. Both ways are built from the BFF's own routers and driven
// with the same requests: every route's path (parameters filled), with a trailing slash, in upper case, with
// a segment more and a segment less, by every method.
import http from 'node:http';
import Koa from 'koa';
import type { Middleware } from 'koa';
import { buildRouters } from '../../bff/src/server';
import { errorHandler, requestContext } from '../../bff/src/libraries/http';
import { listRoutes, mountRouters } from '../../bff/src/libraries/router';
import { createLogger } from '../../bff/src/libraries/logger';
import { startTestServer, type TestServer } from '../support/test-server';

let server: TestServer;
const listening: http.Server[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const s of listening) await new Promise((r) => s.close(r));
  await server.close();
});

/** An app of the error handler and the routers only (no deny-by-default gate: the routers are what is compared). */
async function appWith(mount: (app: Koa) => void): Promise<string> {
  const app = new Koa();
  app.silent = true;
  app.use(requestContext(createLogger({ level: 'silent' })));
  app.use(errorHandler());
  app.use(((ctx, next) =>
    next().finally(() => {
      ctx.set('X-Matched-Route', (ctx as unknown as { _matchedRoute?: string })._matchedRoute ?? '-');
      ctx.set('X-Params', JSON.stringify(ctx.params ?? null));
    })) as Middleware);
  mount(app);
  const s = http.createServer(app.callback()).listen(0, '127.0.0.1');
  listening.push(s);
  await new Promise((r) => s.once('listening', r));
  return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
}

async function answer(base: string, method: string, path: string) {
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method }, resolve);
    req.on('error', reject);
    req.end();
  });
  res.resume();
  await new Promise((r) => res.on('end', r));
  return `${res.statusCode} allow=${res.headers.allow ?? '-'} route=${res.headers['x-matched-route']} params=${res.headers['x-params']}`;
}

test('when routers are mounted by mountRouters, then every path and method is answered as by mounting them all in order', async () => {
  const routers = () => buildRouters({ config: server.config, connection: server.connection } as never, server.components);
  const picked = await appWith((app) => app.use(mountRouters(routers())));
  const all = await appWith((app) => {
    for (const router of routers()) {
      app.use(router.routes());
      app.use(router.allowedMethods({ throw: true }));
    }
  });
  const paths = new Set<string>(['/', '/healthz/none', '/api', '/api/v1', '/api/v1/', '/nope', '/api/v2/guide']);
  for (const { path } of listRoutes(routers())) {
    const filled = path.replace(/:\w+/g, 'x1');
    paths.add(filled);
    paths.add(`${filled}/`);
    paths.add(filled.toUpperCase());
    paths.add(`${filled}/more`);
    paths.add(filled.split('/').slice(0, -1).join('/') || '/');
  }
  // Writes would change data; what is compared here is routing, which the read methods and OPTIONS show.
  const methods = ['GET', 'HEAD', 'OPTIONS', 'PROPFIND', 'TRACE'];
  const differences: string[] = [];
  for (const path of paths) {
    for (const method of methods) {
      const [a, b] = await Promise.all([answer(picked, method, path), answer(all, method, path)]);
      if (a !== b) differences.push(`${method} ${path}: ${a} ≠ ${b}`);
    }
  }
  expect(paths.size).toBeGreaterThan(100);
  expect(differences).toEqual([]);
});
