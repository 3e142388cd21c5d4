// The parent's verified identity: 浙里办's real-name SSO (through the local fake IRS gateway) and dev login
// give a name and phone, answered masked at login and kept sealed; the BFF writes them into the parent's
// own draft on request (`POST /api/v1/applications/:id/verified-identity`), never in clear to the app.
import { maskName, maskPhone } from '@birth/shared';
import { devIdentity } from '../../bff/src/components/auth';
import { createZhelibanIdentity } from '../../bff/src/providers/identity/zheliban.identity';
import { startZhelibanFake, type ZhelibanFake } from '../support/fakes';
import { findPersonalData } from '../support/leaks';
import { api, startTestServer, type TestServer } from '../support/test-server';

const CREDS = { accessKey: 'BCDSGA_0123456789abcdef0123456789ab', secretKey: 'BCDSGS_fedcba9876543210fedcba987654' };
const NAME = '沈佳宁';
const PHONE = '13857001234';

let fake: ZhelibanFake;
let server: TestServer;

beforeAll(async () => {
  fake = await startZhelibanFake(CREDS);
  server = await startTestServer(
    {},
    { identity: { zheliban: createZhelibanIdentity({ baseUrl: fake.url, ...CREDS, timeoutMs: 5000 }) } },
  );
});
afterAll(async () => {
  await server.close();
  await fake.close();
});

async function zhelibanLogin(user: { userId: string; userName?: string; phone?: string }) {
  const res = await api(server.url, 'POST', '/api/v1/auth/login', {
    body: { platform: 'zheliban', code: fake.issueTicket(user) },
  });
  expect(res.status).toBe(200);
  return res;
}

async function draft(token: string, body: Record<string, unknown> = { newborn: { name: '沈小宝' } }) {
  const res = await api(server.url, 'POST', '/api/v1/applications', { token, body });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, etag: res.headers.get('etag')! };
}

const fill = (token: string, id: string, etag: string | undefined, into: unknown) =>
  api(server.url, 'POST', `/api/v1/applications/${id}/verified-identity`, {
    token,
    headers: etag ? { 'if-match': etag } : {},
    body: { into },
  });

describe('the verified identity at login', () => {
  test('when a 浙里办 user logs in, then the answer carries the name and phone masked, never in clear', async () => {
    const res = await zhelibanLogin({ userId: 'zlb-user-0001', userName: NAME, phone: PHONE });
    expect(res.body.identity).toEqual({ source: 'zheliban', name: maskName(NAME), phone: maskPhone(PHONE) });
    const raw = JSON.stringify(res.body);
    expect(raw).not.toContain(PHONE);
    expect(raw).not.toContain(NAME);
    // Kept sealed on the parent: neither value is readable in the collection.
    const parents = JSON.stringify(await server.connection.collection('parents').find({}).toArray());
    expect(parents).not.toContain(PHONE);
    expect(parents).not.toContain(NAME);
    expect(findPersonalData(parents)).toEqual([]);
  });

  test('when 浙里办 gives a value the form would refuse, then only the usable one is kept', async () => {
    const res = await zhelibanLogin({ userId: 'zlb-user-0002', userName: '沈佳宁', phone: '0571-8888' });
    expect(res.body.identity).toEqual({ source: 'zheliban', name: maskName('沈佳宁') });
    const none = await zhelibanLogin({ userId: 'zlb-user-0003' });
    expect(none.body.identity).toBeUndefined();
  });

  test('when a dev login names a demo parent, then the same code is the same demo person, masked', async () => {
    const a = await api(server.url, 'POST', '/api/v1/auth/login', { body: { platform: 'dev', code: 'identity-demo' } });
    const b = await api(server.url, 'POST', '/api/v1/auth/login', { body: { platform: 'dev', code: 'identity-demo' } });
    const demo = devIdentity('identity-demo');
    expect(demo.phone).toMatch(/^139\d{8}$/);
    expect(a.body.identity).toEqual({ source: 'dev', name: maskName(demo.name), phone: maskPhone(demo.phone) });
    expect(b.body.identity).toEqual(a.body.identity);
  });
});

describe('POST /api/v1/applications/:id/verified-identity', () => {
  test('when the parent asks for it as the mother and as a recipient, then the BFF writes the real values into the draft and answers them masked', async () => {
    const login = await zhelibanLogin({ userId: 'zlb-user-0010', userName: NAME, phone: PHONE });
    const token = login.body.accessToken as string;
    const { id, etag } = await draft(token, {
      newborn: { name: '沈小宝' },
      items: ['birth_certificate'],
      delivery: { birth_certificate: { method: 'mail', regionCode: '330102' } },
    });
    const res = await fill(token, id, etag, ['mother', 'delivery.birth_certificate']);
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
    expect(res.headers.get('etag')).not.toBe(etag);
    expect(res.body.data.mother).toEqual({ name: NAME, phone: maskPhone(PHONE) });
    expect(res.body.data.delivery.birth_certificate).toEqual({
      method: 'mail',
      regionCode: '330102',
      recipient: NAME,
      phone: maskPhone(PHONE),
    });
    expect(JSON.stringify(res.body)).not.toContain(PHONE);
    // Stored sealed like a typed phone: not readable in the collection, and nothing in the log.
    const stored = JSON.stringify(await server.connection.collection('applications').findOne({ _id: id as never }));
    expect(stored).not.toContain(PHONE);
    expect(findPersonalData(server.logs.join(''))).toEqual([]);
    // The draft is complete for the mother's name and phone: a later PATCH keeps them.
    const again = await api(server.url, 'PATCH', `/api/v1/applications/${id}`, {
      token,
      headers: { 'if-match': res.headers.get('etag')! },
      body: { mother: { ethnicity: '汉族' } },
    });
    expect(again.status).toBe(200);
    expect(again.body.data.mother).toEqual({ name: NAME, phone: maskPhone(PHONE), ethnicity: '汉族' });
  });

  test('when notices go to the phone 浙里办 verified, then it counts as confirmed without a code; another typed-in number needs one', async () => {
    const login = await zhelibanLogin({ userId: 'zlb-user-0011', userName: NAME, phone: PHONE });
    const token = login.body.accessToken as string;
    const { id, etag } = await draft(token);
    const filled = await fill(token, id, etag, ['mother']);
    expect(filled.status).toBe(200);
    const confirmations = `/api/v1/applications/${id}/phone-confirmations`;
    const own = await api(server.url, 'POST', confirmations, { token });
    expect({ status: own.status, body: own.body }).toEqual({ status: 200, body: { sentTo: maskPhone(PHONE), confirmed: true } });
    const other = '13957004321';
    const changed = await api(server.url, 'PATCH', `/api/v1/applications/${id}`, {
      token,
      headers: { 'if-match': filled.headers.get('etag')! },
      body: { mother: { phone: other } },
    });
    expect(changed.status).toBe(200);
    const typed = await api(server.url, 'POST', confirmations, { token });
    expect({ status: typed.status, sentTo: typed.body.sentTo, confirmed: typed.body.confirmed }).toEqual({
      status: 201,
      sentTo: maskPhone(other),
      confirmed: false,
    });
  });

  test('when the draft changed elsewhere, then the fill is 409 and nothing is written; without If-Match it is 428', async () => {
    const token = (await zhelibanLogin({ userId: 'zlb-user-0011', userName: NAME, phone: PHONE })).body.accessToken;
    const { id, etag } = await draft(token);
    const moved = await api(server.url, 'PATCH', `/api/v1/applications/${id}`, {
      token,
      headers: { 'if-match': etag },
      body: { newborn: { name: '沈大宝' } },
    });
    expect(moved.status).toBe(200);
    const stale = await fill(token, id, etag, ['father']);
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('CONFLICT');
    expect((await fill(token, id, undefined, ['father'])).status).toBe(428);
    const now = await api(server.url, 'GET', `/api/v1/applications/${id}`, { token });
    expect(now.body.data.father).toBeUndefined();
  });

  test('when the login had no verified identity, then the fill is 422 with a message to type it', async () => {
    const token = (await zhelibanLogin({ userId: 'zlb-user-0012' })).body.accessToken;
    const { id, etag } = await draft(token);
    const res = await fill(token, id, etag, ['mother']);
    expect(res.status).toBe(422);
    expect(res.body.detail).toContain('请直接填写');
  });

  test('when the target is unknown or the draft is someone else’s, then 400 with the field, or 404', async () => {
    const owner = (await zhelibanLogin({ userId: 'zlb-user-0013', userName: NAME, phone: PHONE })).body.accessToken;
    const other = (await zhelibanLogin({ userId: 'zlb-user-0014', userName: '周敏', phone: '13900001111' })).body.accessToken;
    const { id, etag } = await draft(owner);
    const bad = await fill(owner, id, etag, ['newborn', 'delivery.medical_insurance']);
    expect(bad.body.errors).toHaveLength(2);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['into.0', 'into.1']);
    expect((await fill(owner, id, etag, [])).status).toBe(400);
    expect((await fill(other, id, etag, ['mother'])).status).toBe(404);
  });
});
