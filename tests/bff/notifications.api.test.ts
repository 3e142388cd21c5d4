// The notice endpoints: the parent's list, the operators' outbox view and the dev inbox page, over real
// HTTP on a real FerretDB, mounted by createServer.
import { randomUUID } from 'node:crypto';
import type { ApplicationDoc } from '../../bff/src/components/applications/application.model';
import { createNotifier, createOutboxRelay, type Deliver } from '../../bff/src/components/notifications';
import { createDevInbox, createDevPush, createDevSms } from '../../bff/src/providers/dev';
import { api, startTestServer, type TestServer } from '../support/test-server';
import * as fixtures from '../support/fixtures';

jest.setTimeout(60_000);

let server: TestServer;
let base: string;

beforeAll(async () => {
  server = await startTestServer();
  base = server.url;
});
afterAll(() => server.close());

const loginParent = (code?: string) => fixtures.loginParent(server.url, code);
const departmentToken = (department: string) => fixtures.departmentToken(server.url, department);
const operatorToken = () => fixtures.operatorToken(server.url);
/** A submitted application for a newborn of its own. */
const submitApplication = async (token?: string) =>
  (await fixtures.submittedApplication(server.url, fixtures.validApplication(), token)).id;

/** The notifier with the dev channels; `push: false` for a parent who cannot be pushed to (so: SMS). */
function devDeliver(options: { push?: boolean } = {}): Deliver {
  const { connection } = server;
  return createNotifier({
    connection,
    crypto: server.components.crypto,
    push: options.push === false ? null : createDevPush({ connection }),
    sms: createDevSms({ connection }),
  });
}
const relay = (options: Partial<Parameters<typeof createOutboxRelay>[0]> = {}) =>
  createOutboxRelay({
    connection: server.connection,
    applications: server.components.applicationsRepo,
    deliver: devDeliver(),
    workerId: `relay-${randomUUID()}`,
    ...options,
  });
const application = async (id: string) => (await server.components.applicationsRepo.findById(id)) as ApplicationDoc;

describe('GET /api/v1/notifications', () => {
  test('When a parent has notices, then they are listed newest first with only the notice fields, and nobody else sees them', async () => {
    const parent = await loginParent();
    const id = await submitApplication(parent);
    await relay().runOnce();
    const hospital = await departmentToken('hospital');
    const accepted = await api(server.url, 'POST', `/api/v1/dept/tasks/${id}.birth_certificate/events`, {
      token: hospital,
      body: { eventId: `accept-${randomUUID()}`, type: 'accept' },
    });
    expect(accepted.status).toBe(200);
    await relay().runOnce();

    const res = await api(base, 'GET', '/api/v1/notifications', { token: parent });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    // The first acceptance also brings the 受理 rating invitation (tested in the ratings suites).
    const notices = (res.body.notifications as Record<string, unknown>[]).filter(
      (n) => n.title !== '出生“一件事”已受理，请您评价',
    );
    expect(res.body.notifications).toHaveLength(3);
    expect(notices.map((n) => n.title)).toEqual(['“出生医学证明”已受理', '出生“一件事”申请已提交']);
    expect(Object.keys(notices[0]).sort()).toEqual(['applicationId', 'body', 'createdAt', 'id', 'itemKey', 'title']);
    expect(notices[0]).toMatchObject({ applicationId: id, itemKey: 'birth_certificate' });
    expect(notices[1]).toMatchObject({ applicationId: id, itemKey: null });
    expect(Date.parse(notices[0].createdAt as string)).toBeGreaterThanOrEqual(Date.parse(notices[1].createdAt as string));
    expect(JSON.stringify(res.body)).not.toMatch(/13998765432|13812345678/);

    const stranger = await api(base, 'GET', '/api/v1/notifications', { token: await loginParent() });
    expect(stranger.status).toBe(200);
    expect(stranger.body.notifications).toEqual([]);
  });

  test('When the caller has no token or is not a parent, then 401 or 403 as problem+json', async () => {
    const anonymous = await api(base, 'GET', '/api/v1/notifications');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    const operator = await api(base, 'GET', '/api/v1/notifications', { token: await operatorToken() });
    expect(operator.status).toBe(403);
  });
});

describe('GET /api/v1/admin/outbox', () => {
  test('When deliveries gave up, then operators see them with attempts and the last error, and nothing personal', async () => {
    const parent = await loginParent();
    const id = await submitApplication(parent);
    const operator = await operatorToken();

    const pending = await api(base, 'GET', '/api/v1/admin/outbox?state=pending', { token: operator });
    expect(pending.status).toBe(200);
    expect(pending.body.entries.map((e: { applicationId: string }) => e.applicationId)).toContain(id);

    const failing = relay({
      deliver: async () => {
        throw new Error('SMS gateway refused 13998765432');
      },
      maxAttempts: 1,
    });
    expect(await failing.runOnce()).toMatchObject({ dead: 1 });

    const res = await api(base, 'GET', '/api/v1/admin/outbox?state=dead', { token: operator });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('dead');
    const entry = res.body.entries.find((e: { applicationId: string }) => e.applicationId === id);
    expect(entry).toMatchObject({ applicationId: id, template: 'application_submitted', state: 'dead', attempts: 1 });
    expect(entry.lastError).toContain('SMS gateway refused');
    expect(Date.parse(entry.nextAt)).not.toBeNaN();
    expect(entry).not.toHaveProperty('params');
    expect(JSON.stringify(res.body)).not.toMatch(/13998765432|13812345678|王建国|李晓红/);

    // Without a state the dead letters are what is asked for.
    const byDefault = await api(base, 'GET', '/api/v1/admin/outbox', { token: operator });
    expect(byDefault.body.entries.map((e: { id: string }) => e.id)).toContain(entry.id);
    expect((await application(id)).outbox[0].state).toBe('dead');
  });

  test('When the state is unknown, then 400 names the parameter; when the caller is a parent, then 403', async () => {
    const operator = await operatorToken();
    const bad = await api(base, 'GET', '/api/v1/admin/outbox?state=everything', { token: operator });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.errors).toEqual([{ path: 'query.state', message: expect.any(String) }]);
    const parent = await api(base, 'GET', '/api/v1/admin/outbox?state=dead', { token: await loginParent() });
    expect(parent.status).toBe(403);
  });
});

describe('GET /dev/inbox', () => {
  test('When dev push and dev SMS have sent, then the page lists them newest first, with the phone masked and every text escaped', async () => {
    const parent = await loginParent();
    await submitApplication(parent);
    await relay({ deliver: devDeliver({ push: false }) }).runOnce();
    const inbox = createDevInbox(server.connection, () => new Date(Date.now() + 60_000));
    await inbox.record(`k-${randomUUID()}`, 'push', 'someone', 'item_ready_for_pickup', '<script>alert("x")</script> & 领取');

    const res = await api(base, 'GET', '/dev/inbox');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = res.body as string;
    expect(html).toContain('开发收件箱');
    expect(html).toContain('139****5432');
    expect(html).not.toMatch(/13998765432|13812345678/);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 领取');
    // Newest first: the message recorded a minute "later" comes before the submission notice.
    expect(html.indexOf('&lt;script&gt;')).toBeLessThan(html.indexOf('申请已提交'));
    expect(html).toContain('短信');
  });
});
