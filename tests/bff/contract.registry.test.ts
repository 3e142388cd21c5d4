// The registry of operations (bff/src/components/openapi/operations.ts) is the one contract: every route the
// BFF mounts is in it and every entry is mounted, every operation documents a schema for each status it
// answers, and the OpenAPI document and the docs page are built from it.
import { Problem } from '@birth/shared';
import { buildRouters } from '../../bff/src/server';
import { listRoutes } from '../../bff/src/libraries/router';
import { errorStatuses, openApiPath } from '../../bff/src/libraries/operation';
import { OPERATION_LIST } from '../../bff/src/components/openapi';
import { checkResponse, ContractError, findOperation } from '../support/contract';
import { api, startTestServer, type TestServer } from '../support/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
}, 60_000);
afterAll(() => server.close());

const key = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
const mounted = (env: string) =>
  listRoutes(
    buildRouters({ config: { ...server.config, NODE_ENV: env }, connection: server.connection } as never, server.components),
  ).map((r) => key(r.method, openApiPath(r.path)));

test('when the routers are built, then every mounted route is in the registry and every operation is mounted', () => {
  const all = OPERATION_LIST.map((op) => key(op.method, op.path));
  expect(new Set(all).size).toBe(all.length);
  const dev = mounted('development');
  expect(new Set(dev).size).toBe(dev.length);
  expect([...dev].sort()).toEqual([...all].sort());
  // Production mounts everything but the development-only operations (dev inbox, the docs page).
  const production = mounted('production');
  const forProduction = OPERATION_LIST.filter((op) => !('devOnly' in op && op.devOnly)).map((op) => key(op.method, op.path));
  expect([...production].sort()).toEqual([...forProduction].sort());
  expect(forProduction.length).toBeLessThan(all.length);
});

test('when an operation is declared, then each status it answers has a schema and every error is a Problem', () => {
  for (const op of OPERATION_LIST) {
    const statuses = Object.keys(op.responses).map(Number);
    expect(statuses.length).toBeGreaterThan(0);
    for (const status of statuses) {
      expect(status >= 200 && status < 300).toBe(true);
      const spec = (op.responses as Record<number, unknown>)[status];
      // A zod schema, null for "no body" (204 only), or another media type.
      if (spec === null) expect(status).toBe(204);
      else
        expect(typeof (spec as { safeParse?: unknown }).safeParse === 'function' || 'contentType' in (spec as object)).toBe(true);
    }
    expect(errorStatuses(op)).toEqual(expect.arrayContaining([400, 500]));
    if (op.auth !== 'public') expect(errorStatuses(op)).toEqual(expect.arrayContaining([401, 403]));
  }
});

test('when the document is fetched, then it has exactly the registry’s public operations, each status with its schema', async () => {
  const res = await api(server.url, 'GET', '/api/v1/openapi.json');
  expect(res.status).toBe(200);
  const doc = res.body;
  const documented: string[] = [];
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, operation] of Object.entries<any>(item)) {
      documented.push(key(method, path));
      const op = findOperation(method, path.replace(/\{\w+\}/g, 'x'))!;
      expect(op).toBeDefined();
      expect(
        Object.keys(operation.responses)
          .map(Number)
          .sort((a, b) => a - b),
      ).toEqual([...Object.keys(op.responses).map(Number), ...errorStatuses(op)].sort((a, b) => a - b));
      for (const [status, response] of Object.entries<any>(operation.responses)) {
        if (status === '204') {
          expect(response.content).toBeUndefined();
          continue;
        }
        const [media] = Object.keys(response.content);
        expect(response.content[media].schema).toBeDefined();
        if (Number(status) >= 400) {
          expect(media).toBe('application/problem+json');
          expect(response.content[media].schema.$ref).toBe('#/components/schemas/Problem');
        }
      }
      if (op.auth !== 'public') expect(operation.security).toEqual([{ bearer: [] }]);
    }
  }
  const expected = OPERATION_LIST.filter((op) => !('devOnly' in op && op.devOnly)).map((op) => key(op.method, op.path));
  expect(documented.sort()).toEqual(expected.sort());
  // The shared error format, generated from the same schema the tests check errors with.
  expect(doc.components.schemas.Problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'code', 'detail']));
  expect(Problem.safeParse({ type: 't', title: '标题', status: 404, code: 'NOT_FOUND', detail: '未找到' }).success).toBe(true);
  // Response schemas are components the app's types are inferred from.
  for (const name of ['ApplicationView', 'Progress', 'RatingsView', 'NoticeList', 'Task', 'RatingCase', 'TokenResponse'])
    expect(doc.components.schemas[name]).toBeDefined();
});

test('when an integrator opens the docs page in development, then it is served with its viewer as same-origin scripts', async () => {
  const page = await api(server.url, 'GET', '/api/v1/docs');
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect(page.body).toContain('<script src="/api/v1/docs/redoc.js"></script>');
  expect(page.body).not.toMatch(/<script>|https?:\/\//);
  expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  const viewer = await api(server.url, 'GET', '/api/v1/docs/redoc.js');
  expect(viewer.status).toBe(200);
  expect(String(viewer.body).length).toBeGreaterThan(100_000);
  const init = await api(server.url, 'GET', '/api/v1/docs/init.js');
  expect(init.body).toContain("Redoc.init('/api/v1/openapi.json'");
});

test('when a response strays from the registry, then the tests’ contract check fails it', () => {
  const problem = { type: 't', title: '未找到', status: 404, code: 'NOT_FOUND', detail: '该申请不存在或无权查看' };
  const json = 'application/json; charset=utf-8';
  const check = (method: string, path: string, status: number, body: unknown, contentType = json) =>
    checkResponse(method, path, { status, contentType, body, empty: body === '' });
  // What the BFF really answers passes.
  expect(() => check('GET', '/healthz', 200, { status: 'ok' })).not.toThrow();
  expect(() => check('GET', '/api/v1/applications/a1/', 404, problem, 'application/problem+json')).not.toThrow();
  expect(() => check('DELETE', '/api/v1/applications/a1', 204, '', '')).not.toThrow();
  // A field of the wrong type, a missing field, an undocumented status, an error that is not a Problem.
  expect(() => check('GET', '/healthz', 200, { status: 'fine' })).toThrow(ContractError);
  expect(() => check('GET', '/api/v1/notifications', 200, {})).toThrow(/notifications/);
  expect(() => check('GET', '/api/v1/notifications', 404, { ...problem }, 'application/problem+json')).toThrow(/not documented/);
  expect(() => check('GET', '/api/v1/applications', 201, { applications: [] })).toThrow(/not documented/);
  expect(() => check('GET', '/api/v1/guide', 500, { message: 'boom' })).toThrow(ContractError);
  expect(() => check('DELETE', '/api/v1/applications/a1', 204, '{}')).toThrow(/without a body/);
  // A success on an /api/ path no operation declares.
  expect(() => check('GET', '/api/v1/secret', 200, {})).toThrow(/no operation/);
});
