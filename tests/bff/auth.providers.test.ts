import { startWechatFake } from '../support/fakes';
import { api, startTestServer, type TestServer } from '../support/test-server';

describe('parent login through a real provider adapter', () => {
  let fake: Awaited<ReturnType<typeof startWechatFake>>;
  let server: TestServer;
  beforeAll(async () => {
    fake = await startWechatFake({ appId: 'wx-test-app', appSecret: 'wx-test-secret-0123456789' });
    server = await startTestServer({
      WECHAT_API_BASE: fake.url,
      WECHAT_APP_ID: 'wx-test-app',
      WECHAT_APP_SECRET: 'wx-test-secret-0123456789',
    });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  test('when a WeChat code is exchanged, then the same openid is the same parent, and a used code is refused with 401', async () => {
    const code1 = fake.issueCode('openid-parent-1');
    const first = await api(server.url, 'POST', '/api/v1/auth/login', { body: { platform: 'wechat', code: code1 } });
    expect(first.status).toBe(200);
    await api(server.url, 'POST', '/api/v1/applications', { token: first.body.accessToken, body: {} });
    const again = await api(server.url, 'POST', '/api/v1/auth/login', {
      body: { platform: 'wechat', code: fake.issueCode('openid-parent-1') },
    });
    const list = await api(server.url, 'GET', '/api/v1/applications', { token: again.body.accessToken });
    expect(list.body.applications).toHaveLength(1);
    const reused = await api(server.url, 'POST', '/api/v1/auth/login', { body: { platform: 'wechat', code: code1 } });
    expect(reused.status).toBe(401);
    expect(reused.body.detail).toMatch(/重新进入/);
    expect(server.logs.join('')).not.toContain('openid-parent-1');
  });

  test('when WeChat is busy, then login is 503 with Retry-After', async () => {
    fake.setNextError(-1);
    const res = await api(server.url, 'POST', '/api/v1/auth/login', {
      body: { platform: 'wechat', code: fake.issueCode('openid-parent-2') },
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeTruthy();
  });

  test('when a platform has no credentials configured, then its login is 503 and says so in Chinese', async () => {
    const res = await api(server.url, 'POST', '/api/v1/auth/login', { body: { platform: 'alipay', code: 'whatever' } });
    expect(res.status).toBe(503);
    expect(res.body.detail).toMatch(/暂未开通/);
  });

  test('when NODE_ENV is production, then dev login is refused', async () => {
    const prod = await startTestServer({
      NODE_ENV: 'production',
      JWT_SECRET: 'p'.repeat(40),
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
      DEPT_CLIENTS: 'hospital:prod-hospital:a-long-production-secret',
      OPERATOR_CLIENTS: 'ops:another-long-production-secret',
    });
    try {
      expect((await api(prod.url, 'POST', '/api/v1/auth/login', { body: { platform: 'dev', code: 'x' } })).status).toBe(403);
      expect(
        (
          await api(prod.url, 'POST', '/api/v1/dept/auth/token', {
            body: { clientId: 'dev-hospital', clientSecret: 'dev-hospital-secret' },
          })
        ).status,
      ).toBe(401);
      expect(
        (
          await api(prod.url, 'POST', '/api/v1/dept/auth/token', {
            body: { clientId: 'prod-hospital', clientSecret: 'a-long-production-secret' },
          })
        ).status,
      ).toBe(200);
    } finally {
      await prod.close();
    }
  });

  test('when logins from one address exceed the limit, then 429 with Retry-After and a Chinese message; parents are limited per account', async () => {
    // A fixed clock: the limits count in fixed minute windows, and no window may end inside the test.
    const limited = await startTestServer(
      { RATE_LIMIT_LOGIN_PER_MINUTE: '3', RATE_LIMIT_PARENT_PER_MINUTE: '2' },
      { now: () => new Date('2026-03-02T03:00:10Z') },
    );
    try {
      const statuses = [];
      let token = '';
      for (let i = 0; i < 4; i++) {
        const res = await api(limited.url, 'POST', '/api/v1/auth/login', { body: { platform: 'dev', code: `limit-${i}` } });
        statuses.push(res.status);
        if (res.status === 200) token = res.body.accessToken;
        if (res.status === 429) {
          expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
          expect(res.body).toMatchObject({ code: 'RATE_LIMITED', detail: expect.stringMatching(/秒后再试/) });
        }
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      const calls = [];
      for (let i = 0; i < 3; i++) calls.push((await api(limited.url, 'GET', '/api/v1/applications', { token })).status);
      expect(calls).toEqual([200, 200, 429]);
    } finally {
      await limited.close();
    }
  });
});
