// Every protected route, generated from the routers themselves (a new route is covered without editing
// this file), in every letter case and with a trailing slash, with no token and with each wrong role:
// 401, 403 or 404 — never data, never a 500. Plus the odd requests that used to become 500s.
import http from 'node:http';
import { deflateSync } from 'node:zlib';
import jwt from 'jsonwebtoken';
import { buildRouters, PUBLIC_API_PATHS } from '../../bff/src/server';
import { listRoutes } from '../../bff/src/libraries/router';
import { departmentToken, loginParent, operatorToken, submittedApplication } from '../support/fixtures';
import { api, startTestServer, type TestServer } from '../support/test-server';

let server: TestServer;
let tokens: Record<'parent' | 'department' | 'operator', string>;
let applicationId: string;

beforeAll(async () => {
  server = await startTestServer();
  const { id } = await submittedApplication(server.url);
  applicationId = id;
  tokens = {
    parent: await loginParent(server.url),
    department: await departmentToken(server.url, 'police'),
    operator: await operatorToken(server.url),
  };
}, 60_000);
afterAll(() => server.close());

/** Which role a route needs, from its path (the routers' own guards decide; this is what we expect of them). */
function roleOf(path: string): 'parent' | 'department' | 'operator' | 'public' {
  if ((PUBLIC_API_PATHS as readonly string[]).includes(path) || !path.startsWith('/api/')) return 'public';
  if (path.startsWith('/api/v1/dept/')) return 'department';
  if (path.startsWith('/api/v1/admin/')) return 'operator';
  return 'parent';
}

/** A concrete path: parameters filled with a real application (so a missing guard would find data). */
const concrete = (path: string) =>
  path
    .replace(':taskId', `${applicationId}.hukou_registration`)
    .replace(':id', applicationId)
    .replace(':itemKey', 'birth_certificate')
    .replace(/:[A-Za-z]+/g, 'x');

/** Letter-case variants of a path: upper, title-cased segments, one segment upper, and a trailing slash. */
function variants(path: string): string[] {
  const segments = path.split('/');
  const out = new Set<string>([
    path,
    `${path}/`,
    path.toUpperCase(),
    segments.map((s) => (s ? s[0].toUpperCase() + s.slice(1) : s)).join('/'),
    path.replace('/api/', '/API/'),
    path.replace('/v1/', '/V1/'),
    `${path.toUpperCase()}/`,
  ]);
  for (let i = 1; i < segments.length; i++) {
    const copy = [...segments];
    copy[i] = copy[i].toUpperCase();
    out.add(copy.join('/'));
  }
  return [...out];
}

test('when any protected route is called in any letter case without a token or with a wrong role, then it is 401/403/404 and shows nothing', async () => {
  const routes = listRoutes(
    buildRouters({ config: server.config, connection: server.connection } as never, server.components),
  ).filter((r) => roleOf(r.path) !== 'public');
  // The list really comes from the routers: the known guarded areas are all there.
  for (const expected of [
    '/api/v1/admin/sla',
    '/api/v1/admin/outbox',
    '/api/v1/dept/tasks',
    '/api/v1/applications',
    '/api/v1/notifications',
  ])
    expect(routes.some((r) => r.path.startsWith(expected))).toBe(true);

  const failures: string[] = [];
  let probes = 0;
  for (const route of routes) {
    const needed = roleOf(route.path);
    const wrong = (['parent', 'department', 'operator'] as const).filter((r) => r !== needed);
    for (const path of variants(concrete(route.path))) {
      const exact = path === concrete(route.path) || path === `${concrete(route.path)}/`;
      for (const who of [undefined, ...wrong]) {
        probes++;
        const res = await api(server.url, route.method, path, {
          token: who ? tokens[who] : undefined,
          body: ['POST', 'PATCH', 'PUT'].includes(route.method) ? {} : undefined,
        });
        const allowed = who === undefined ? [401] : exact ? [403] : [403, 404];
        if (!allowed.includes(res.status)) failures.push(`${route.method} ${path} as ${who ?? 'nobody'} → ${res.status}`);
        const text = JSON.stringify(res.body ?? '');
        if (text.includes(applicationId) && !text.includes('requestId')) failures.push(`${route.method} ${path} leaked the id`);
      }
    }
  }
  expect(failures).toEqual([]);
  expect(probes).toBeGreaterThan(200);
}, 300_000);

test('when a path is disguised with doubled slashes or escapes, then it still needs a token', async () => {
  for (const path of ['/api/v1/%61dmin/sla', '/api//v1/admin/sla', '/api/v1/admin/sla//', '/Api/v1/admin/outbox?state=pending']) {
    const res = await api(server.url, 'GET', path);
    expect([401, 404]).toContain(res.status);
    expect(JSON.stringify(res.body)).not.toContain(applicationId);
  }
});

/** node:http, since fetch refuses some methods (TRACE). */
function rawRequest(method: string, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${path}`, { method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

test('when a WebDAV or other unknown method is used, then 501 or 405, never 500', async () => {
  for (const method of ['PROPFIND', 'SEARCH', 'TRACE', 'MKCOL', 'PURGE']) {
    for (const path of ['/api/v1/guide', '/healthz', '/api/v1/applications', '/api/v1/dept/tasks']) {
      const status = await rawRequest(method, path, { authorization: `Bearer ${tokens.parent}` });
      if (![403, 404, 405, 501].includes(status)) throw new Error(`${method} ${path} → ${status}`);
    }
  }
});

test('when a JSON body declares an encoding it does not have, then 400 or 415, never 500', async () => {
  const post = (encoding: string, body: Buffer | string) =>
    fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': encoding },
      body: body as never,
    });
  expect([400, 415]).toContain((await post('deflate', '{"platform":"dev","code":"x"}')).status);
  expect([400, 415]).toContain((await post('br', '{"platform":"dev","code":"x"}')).status);
  expect([400, 415]).toContain((await post('gzip', 'not gzip at all')).status);
  expect([400, 415]).toContain((await post('compress', '{}')).status);
  // Real deflate data is still understood.
  expect((await post('deflate', deflateSync('{"platform":"dev","code":"deflated"}'))).status).toBe(200);
});

test('when a validly signed department token names a department that does not exist, then 401', async () => {
  const secret = server.config.JWT_SECRET;
  const forged = jwt.sign({ role: 'department', dept: 'tax_bureau' }, secret, {
    algorithm: 'HS256',
    expiresIn: 600,
    subject: 'someone',
    issuer: 'birth-one-thing-bff',
    audience: 'birth-one-thing',
  });
  const res = await api(server.url, 'GET', '/api/v1/dept/tasks', { token: forged });
  expect(res.status).toBe(401);
});

test('when a client forges X-Forwarded-For, then the per-address login limit still counts its real address', async () => {
  // A fixed clock: the limit counts in fixed minute windows, and no window may end inside the test.
  const limited = await startTestServer({ RATE_LIMIT_LOGIN_PER_MINUTE: '5' }, { now: () => new Date('2026-03-02T03:00:10Z') });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await api(limited.url, 'POST', '/api/v1/dept/auth/token', {
        headers: { 'x-forwarded-for': `203.0.113.${i}` },
        body: { clientId: 'dev-police', clientSecret: `wrong-${i}` },
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
  } finally {
    await limited.close();
  }
});
