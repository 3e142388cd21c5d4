// The request limits hold across replicas: two BFF servers on their own ports share one database, and a
// client that spreads its requests (or races them) over both still gets no more than the limit between
// them. The counters are blind indexes, never an address or an account id.
import { randomBytes } from 'node:crypto';
import { loginParent } from '../support/fixtures';
import { findPersonalData } from '../support/leaks';
import { api, startTestServer, uniqueDbName, type TestServer } from '../support/test-server';

/** Two servers start per test: generous on a loaded machine (nothing here waits on time). */
const TIMEOUT = 120_000;
// A clock that stands still inside one limit window (windows are fixed minutes), so no boundary falls
// inside a test unless the test moves it.
const START = new Date('2026-03-02T03:00:10Z');
let clock = START;
const now = () => clock;

let a: TestServer;
let b: TestServer;

/** Two replicas: one database, the same secrets, as in a deployment. */
async function replicas(limits: Record<string, string>): Promise<[TestServer, TestServer]> {
  const env = {
    MONGODB_DB: uniqueDbName('limits'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
    ...limits,
  };
  return [await startTestServer(env, { now }), await startTestServer(env, { now })];
}

afterEach(async () => {
  clock = START;
  // Both use one database: the first close drops it, the second finds it gone.
  await a?.close();
  await b?.close();
}, TIMEOUT);

test(
  'when logins from one address are spread over two replicas, then the per-address limit counts them together',
  async () => {
    [a, b] = await replicas({ RATE_LIMIT_LOGIN_PER_MINUTE: '5' });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await api(i % 2 ? a.url : b.url, 'POST', '/api/v1/auth/login', {
        body: { platform: 'dev', code: `spread-${i}` },
      });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(res.body).toMatchObject({ status: 429, code: 'RATE_LIMITED', detail: expect.stringMatching(/秒后再试/) });
      }
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    // 03:00:10 UTC: the minute window ends in 50 s.
    const refused = await api(a.url, 'POST', '/api/v1/auth/login', { body: { platform: 'dev', code: 'late' } });
    expect(refused.headers.get('retry-after')).toBe('50');

    // What the database holds names no address.
    const counters = await a.connection.collection('rate_limits').find().toArray();
    expect(counters.length).toBe(5);
    const text = JSON.stringify(counters);
    expect(text).not.toContain('127.0.0.1');
    expect(findPersonalData(text)).toEqual([]);
  },
  TIMEOUT,
);

test(
  'when logins race over two replicas, then exactly the limit gets through',
  async () => {
    [a, b] = await replicas({ RATE_LIMIT_LOGIN_PER_MINUTE: '6' });
    const statuses = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        api(i % 2 ? a.url : b.url, 'POST', '/api/v1/auth/login', { body: { platform: 'dev', code: `race-${i}` } }).then(
          (r) => r.status,
        ),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(18);
  },
  TIMEOUT,
);

test(
  'when one parent spreads requests over two replicas, then the per-parent limit counts them together, and another parent has a budget of its own',
  async () => {
    [a, b] = await replicas({ RATE_LIMIT_PARENT_PER_MINUTE: '4' });
    const token = await loginParent(a.url, 'limited-parent');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await api(i % 2 ? a.url : b.url, 'GET', '/api/v1/applications', { token })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429]);
    // Racing on both at once does not get more either.
    const raced = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        api(i % 2 ? a.url : b.url, 'GET', '/api/v1/applications', { token }).then((r) => r.status),
      ),
    );
    expect(raced.every((s) => s === 429)).toBe(true);

    const other = await loginParent(b.url, 'another-parent');
    expect((await api(a.url, 'GET', '/api/v1/applications', { token: other })).status).toBe(200);
    expect((await api(b.url, 'GET', '/api/v1/applications', { token: other })).status).toBe(200);
    // The counters name no parent.
    const parents = await a.connection.collection('parents').find().toArray();
    const text = JSON.stringify(await a.connection.collection('rate_limits').find().toArray());
    for (const p of parents) expect(text).not.toContain(String(p._id));
  },
  TIMEOUT,
);

test(
  'when the window has passed, then the limit starts afresh and the ended windows are swept from the database',
  async () => {
    [a, b] = await replicas({ RATE_LIMIT_LOGIN_PER_MINUTE: '3' });
    const login = (server: TestServer, code: string) =>
      api(server.url, 'POST', '/api/v1/auth/login', { body: { platform: 'dev', code } }).then((r) => r.status);
    expect([await login(a, 'w1'), await login(b, 'w2'), await login(a, 'w3'), await login(b, 'w4')]).toEqual([
      200, 200, 200, 429,
    ]);
    const counters = a.connection.collection('rate_limits');
    expect(await counters.countDocuments()).toBe(3);

    clock = new Date(START.getTime() + 2 * 60_000);
    expect(await login(b, 'w5')).toBe(200);
    // The request that noticed the ended window started a sweep in the background: wait for it to land.
    const deadline = Date.now() + 60_000;
    while ((await counters.countDocuments()) !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await counters.countDocuments()).toBe(1);
  },
  TIMEOUT,
);
