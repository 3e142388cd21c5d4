import { loginParent, validApplication } from '../support/fixtures';
import { api, startTestServer, type TestServer } from '../support/test-server';

describe('bad input', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    token = await loginParent(server.url);
  });
  afterAll(() => server.close());

  async function count() {
    return server.connection.collection('applications').countDocuments();
  }

  test('when several fields are wrong at once, then one 400 lists every one of them in Chinese and nothing is written', async () => {
    const before = await count();
    const input: any = validApplication();
    input.mother.idNumber = '330102199203151234'; // wrong check digit (5 is right)
    input.father.phone = '12345';
    input.newborn.birthDateTime = new Date(Date.now() + 86400_000).toISOString();
    input.newborn.sex = 'unknown';
    input.unexpected = 'field';
    const res = await api(server.url, 'POST', '/api/v1/applications', { token, body: input });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const paths = res.body.errors.map((e: any) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['mother.idNumber', 'father.phone', 'newborn.birthDateTime', 'newborn.sex']));
    expect(paths.some((p: string) => p === 'unexpected' || p === '')).toBe(true);
    for (const e of res.body.errors) expect(e.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
    expect(await count()).toBe(before);
  });

  test('when fields have the wrong types, then 400 names them', async () => {
    const res = await api(server.url, 'POST', '/api/v1/applications', {
      token,
      body: { newborn: { name: 42, birthDateTime: true }, items: 'all' },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.path)).toEqual(
      expect.arrayContaining(['newborn.name', 'newborn.birthDateTime', 'items']),
    );
  });

  test('when a body carries query operators, then they are refused as bad input, never run as a query', async () => {
    const before = await count();
    const res = await api(server.url, 'POST', '/api/v1/applications', {
      token,
      body: { newborn: { name: { $ne: null } }, mother: { idNumber: { $gt: '' } } },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.path)).toEqual(expect.arrayContaining(['newborn.name', 'mother.idNumber']));
    expect(await count()).toBe(before);
    const login = await api(server.url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: { $ne: null } } });
    expect(login.status).toBe(400);
    const dept = await api(server.url, 'POST', '/api/v1/dept/auth/token', {
      body: { clientId: { $ne: null }, clientSecret: { $ne: null } },
    });
    expect(dept.status).toBe(400);
  });

  test('when the body is too large, malformed, or not JSON, then 413, 400 and 415', async () => {
    const big = { newborn: { name: 'x'.repeat(200 * 1024) } };
    expect((await api(server.url, 'POST', '/api/v1/applications', { token, body: big })).status).toBe(413);
    const malformed = await api(server.url, 'POST', '/api/v1/applications', {
      token,
      rawBody: '{"newborn":',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('BAD_REQUEST');
    const form = await api(server.url, 'POST', '/api/v1/auth/login', {
      rawBody: 'platform=dev&code=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
  });

  test('when the hospital or pickup point is not in the guide, then 400 names the field', async () => {
    const input: any = validApplication();
    input.newborn.hospitalId = 'no-such-hospital';
    input.delivery.vaccination_certificate = { method: 'pickup', pickupPointId: 'nowhere' };
    const res = await api(server.url, 'POST', '/api/v1/applications', { token, body: input });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => e.path)).toEqual([
      'newborn.hospitalId',
      'delivery.vaccination_certificate.pickupPointId',
    ]);
  });

  test('when an incomplete draft is submitted, then 400 lists everything missing, including each consent, and the draft stays a draft', async () => {
    const draft = await api(server.url, 'POST', '/api/v1/applications', { token, body: { newborn: { name: '李安安' } } });
    const res = await api(server.url, 'POST', `/api/v1/applications/${draft.body.id}/submit`, {
      token,
      headers: { 'idempotency-key': `incomplete-${draft.body.id}` },
    });
    expect(res.status).toBe(400);
    const paths: string[] = res.body.errors.map((e: any) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['mother', 'father', 'newborn.sex', 'consents']));
    const after = await api(server.url, 'GET', `/api/v1/applications/${draft.body.id}`, { token });
    expect(after.body.status).toBe('draft');
  });

  test('when a department event or query is malformed, then 400 names the fields', async () => {
    const hospital = await api(server.url, 'POST', '/api/v1/dept/auth/token', {
      body: { clientId: 'dev-hospital', clientSecret: 'dev-hospital-secret' },
    });
    const t = hospital.body.accessToken;
    const bad = await api(server.url, 'GET', '/api/v1/dept/tasks?status=finished', { token: t });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('query.status');
    const ev = await api(server.url, 'POST', '/api/v1/dept/tasks/x.birth_certificate/events', {
      token: t,
      body: { type: 'reject', reasons: [] },
    });
    expect(ev.status).toBe(400);
    expect(ev.body.errors.map((e: any) => e.path)).toEqual(expect.arrayContaining(['eventId', 'reasons']));
  });

  test('when an unknown path or method is used, then a problem+json 404 or 405', async () => {
    // Deny by default: an unknown /api/ path needs a token first, then it is a plain 404.
    expect((await api(server.url, 'GET', '/api/v1/nothing-here')).status).toBe(401);
    const res = await api(server.url, 'GET', '/api/v1/nothing-here', { token });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
    expect((await api(server.url, 'PUT', '/api/v1/guide')).status).toBe(405);
  });
});
