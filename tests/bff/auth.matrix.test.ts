import jwt from 'jsonwebtoken';
import { departmentToken, loginParent, operatorToken, submittedApplication, validApplication } from '../support/fixtures';
import { api, startTestServer, type TestServer } from '../support/test-server';

describe('authorisation', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test("when parent B asks for parent A's application in any way, then it is 404, the same as an id that does not exist", async () => {
    const a = await submittedApplication(server.url);
    const tokenB = await loginParent(server.url);
    const draftA = await api(server.url, 'POST', '/api/v1/applications', { token: a.token, body: {} });
    const paths: [string, string, unknown?][] = [
      ['GET', `/api/v1/applications/${a.id}`],
      ['GET', `/api/v1/applications/${a.id}/progress`],
      ['DELETE', `/api/v1/applications/${a.id}`],
      ['POST', `/api/v1/applications/${a.id}/items/birth_certificate/resubmit`, { corrections: {} }],
      ['PATCH', `/api/v1/applications/${draftA.body.id}`, { newborn: { name: '张三' } }],
      ['DELETE', `/api/v1/applications/${draftA.body.id}`],
    ];
    for (const [method, path, body] of paths) {
      const res = await api(server.url, method, path, {
        token: tokenB,
        body,
        headers: method === 'PATCH' ? { 'if-match': '"v1"' } : {},
      });
      const unknown = await api(server.url, method, path.replace(/[0-9a-f-]{36}/, '00000000-0000-4000-8000-000000000000'), {
        token: tokenB,
        body,
        headers: method === 'PATCH' ? { 'if-match': '"v1"' } : {},
      });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.body.detail).toBe(unknown.body.detail);
    }
    const submit = await api(server.url, 'POST', `/api/v1/applications/${draftA.body.id}/submit`, {
      token: tokenB,
      headers: { 'idempotency-key': 'not-mine-0001' },
    });
    expect(submit.status).toBe(404);
    expect((await api(server.url, 'GET', '/api/v1/applications', { token: tokenB })).body.applications).toEqual([]);
    expect((await api(server.url, 'GET', `/api/v1/applications/${a.id}`, { token: a.token })).status).toBe(200);
  });

  test("when a department asks for another department's task, then it is 404 and not in its list", async () => {
    const { id } = await submittedApplication(server.url);
    const police = await departmentToken(server.url, 'police');
    expect((await api(server.url, 'GET', `/api/v1/dept/tasks/${id}.birth_certificate`, { token: police })).status).toBe(404);
    const event = await api(server.url, 'POST', `/api/v1/dept/tasks/${id}.birth_certificate/events`, {
      token: police,
      body: { eventId: 'police-steals-1', type: 'accept' },
    });
    expect(event.status).toBe(404);
    const list = await api(server.url, 'GET', '/api/v1/dept/tasks', { token: police });
    expect(list.body.tasks.every((t: any) => t.department === 'police')).toBe(true);
    // Household registration waits for the birth certificate: until it is dispatched, the police see nothing of it.
    expect(list.body.tasks.find((t: any) => t.applicationId === id)).toBeUndefined();
    expect((await api(server.url, 'GET', `/api/v1/dept/tasks/${id}.hukou_registration`, { token: police })).status).toBe(404);
    expect((await api(server.url, 'GET', '/api/v1/dept/tasks?status=waiting', { token: police })).status).toBe(400);
    const hospital = await departmentToken(server.url, 'hospital');
    for (const [eventId, body] of [
      ['accept', { type: 'accept' }],
      ['complete', { type: 'complete', outputs: { certificateNumber: 'Q330099999' } }],
    ] as const) {
      await api(server.url, 'POST', `/api/v1/dept/tasks/${id}.birth_certificate/events`, {
        token: hospital,
        body: { eventId: `${eventId}-${id}`, ...body },
      });
    }
    expect((await api(server.url, 'GET', `/api/v1/dept/tasks/${id}.hukou_registration`, { token: police })).status).toBe(200);
    const after = await api(server.url, 'GET', '/api/v1/dept/tasks', { token: police });
    expect(after.body.tasks.find((t: any) => t.applicationId === id)).toMatchObject({
      itemKey: 'hukou_registration',
      state: 'dispatched',
    });
  });

  test('when a role calls another role’s API, then 403', async () => {
    const parent = await loginParent(server.url);
    const hospital = await departmentToken(server.url, 'hospital');
    const operator = await operatorToken(server.url);
    expect((await api(server.url, 'GET', '/api/v1/dept/tasks', { token: parent })).status).toBe(403);
    expect((await api(server.url, 'GET', '/api/v1/admin/sla', { token: hospital })).status).toBe(403);
    expect((await api(server.url, 'GET', '/api/v1/applications', { token: hospital })).status).toBe(403);
    expect((await api(server.url, 'GET', '/api/v1/applications', { token: operator })).status).toBe(403);
    expect((await api(server.url, 'GET', '/api/v1/admin/sla', { token: operator })).status).toBe(200);
  });

  test('when a token is missing, tampered, expired, unsigned (alg none), signed with another key, or has no exp, then 401', async () => {
    const good = await loginParent(server.url);
    const payload = jwt.decode(good) as Record<string, unknown>;
    const secret = server.config.JWT_SECRET;
    const [h, p, s] = good.split('.');
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const tampered = `${h}.${b64({ ...payload, sub: 'someone-else' })}.${s}`;
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`;
    const expired = jwt.sign({ ...payload, exp: Math.floor(Date.now() / 1000) - 10 }, secret, { algorithm: 'HS256' });
    const otherKey = jwt.sign(payload, 'x'.repeat(64), { algorithm: 'HS256' });
    const { exp: _exp, ...noExpPayload } = payload;
    const noExp = jwt.sign(noExpPayload, secret, { algorithm: 'HS256' });
    const msExp = jwt.sign({ ...payload, exp: Date.now() + 3600_000 }, secret, { algorithm: 'HS256' });
    for (const token of [undefined, 'garbage', tampered, none, expired, otherKey, noExp, msExp]) {
      const res = await api(server.url, 'GET', '/api/v1/applications', { token });
      expect({ token, status: res.status }).toEqual({ token, status: 401 });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await api(server.url, 'GET', '/api/v1/applications', { token: good })).status).toBe(200);
  });

  test('when dev login uses the same code twice, then it is the same parent; a new code is a new parent', async () => {
    const t1 = await loginParent(server.url, 'same-code');
    await api(server.url, 'POST', '/api/v1/applications', { token: t1, body: {} });
    const t2 = await loginParent(server.url, 'same-code');
    const t3 = await loginParent(server.url, 'other-code');
    expect((await api(server.url, 'GET', '/api/v1/applications', { token: t2 })).body.applications).toHaveLength(1);
    expect((await api(server.url, 'GET', '/api/v1/applications', { token: t3 })).body.applications).toHaveLength(0);
  });

  test('when a refresh token is rotated, then the new one works once and reusing the old one revokes the session', async () => {
    const login = await api(server.url, 'POST', '/api/v1/auth/login', { body: { platform: 'dev', code: 'refresh-user' } });
    const r1 = login.body.refreshToken;
    const rotated = await api(server.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: r1 } });
    expect(rotated.status).toBe(200);
    expect((await api(server.url, 'GET', '/api/v1/applications', { token: rotated.body.accessToken })).status).toBe(200);
    const reuse = await api(server.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: r1 } });
    expect(reuse.status).toBe(401);
    // The thief's replay ended the family: the legitimate newer token no longer works either.
    expect(
      (await api(server.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } })).status,
    ).toBe(401);
  });

  test('when two refreshes of one token race, then only one succeeds', async () => {
    const login = await api(server.url, 'POST', '/api/v1/auth/login', { body: { platform: 'dev', code: 'race-user' } });
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        api(server.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
  });

  test('when a department secret is wrong, then 401 without saying which part was wrong', async () => {
    const res = await api(server.url, 'POST', '/api/v1/dept/auth/token', {
      body: { clientId: 'dev-hospital', clientSecret: 'wrong-secret-123' },
    });
    expect(res.status).toBe(401);
    const unknown = await api(server.url, 'POST', '/api/v1/dept/auth/token', {
      body: { clientId: 'nobody', clientSecret: 'wrong-secret-123' },
    });
    expect(unknown.body.detail).toBe(res.body.detail);
  });

  test('when a draft is edited, then If-Match is required and a stale one is 409', async () => {
    const token = await loginParent(server.url);
    const draft = await api(server.url, 'POST', '/api/v1/applications', { token, body: { newborn: { name: '李安安' } } });
    expect(draft.headers.get('etag')).toBe('"v1"');
    const noMatch = await api(server.url, 'PATCH', `/api/v1/applications/${draft.body.id}`, {
      token,
      body: { newborn: { sex: 'female' } },
    });
    expect(noMatch.status).toBe(428);
    const ok = await api(server.url, 'PATCH', `/api/v1/applications/${draft.body.id}`, {
      token,
      body: { newborn: { sex: 'female' } },
      headers: { 'if-match': '"v1"' },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('"v2"');
    expect(ok.body.data.newborn).toEqual({ name: '李安安', sex: 'female' });
    const stale = await api(server.url, 'PATCH', `/api/v1/applications/${draft.body.id}`, {
      token,
      body: { newborn: { sex: 'male' } },
      headers: { 'if-match': '"v1"' },
    });
    expect(stale.status).toBe(409);
    const full = await api(server.url, 'PATCH', `/api/v1/applications/${draft.body.id}`, {
      token,
      body: validApplication(),
      headers: { 'if-match': '"v2"' },
    });
    expect(full.status).toBe(200);
    expect(full.body.data.mother.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
    expect(full.body.data.mother.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect((await api(server.url, 'DELETE', `/api/v1/applications/${draft.body.id}`, { token })).status).toBe(204);
    expect((await api(server.url, 'GET', `/api/v1/applications/${draft.body.id}`, { token })).status).toBe(404);
  });

  test('when an application is withdrawn before any item is accepted, then it is gone and the newborn can be applied for again; after acceptance it is 409', async () => {
    const input = validApplication();
    const first = await submittedApplication(server.url, input);
    expect((await api(server.url, 'DELETE', `/api/v1/applications/${first.id}`, { token: first.token })).status).toBe(204);
    const second = await submittedApplication(server.url, input);
    const hospital = await departmentToken(server.url, 'hospital');
    await api(server.url, 'POST', `/api/v1/dept/tasks/${second.id}.birth_certificate/events`, {
      token: hospital,
      body: { eventId: `acc-${second.id}`, type: 'accept' },
    });
    const late = await api(server.url, 'DELETE', `/api/v1/applications/${second.id}`, { token: second.token });
    expect(late.status).toBe(409);
  });

  test('when a department pages through its queue, then every task comes once, oldest first, and a bad cursor is 400', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await submittedApplication(server.url)).id);
    const hospital = await departmentToken(server.url, 'hospital');
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const res = await api(
        server.url,
        'GET',
        `/api/v1/dept/tasks?status=dispatched&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        { token: hospital },
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.tasks.map((t: any) => t.applicationId));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen.filter((x) => ids.includes(x))).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);
    const bad = await api(server.url, 'GET', '/api/v1/dept/tasks?cursor=nonsense&limit=500', { token: hospital });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['query.cursor', 'query.limit']);
  });
});
