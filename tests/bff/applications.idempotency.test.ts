import { departmentToken, loginParent, submittedApplication, validApplication } from '../support/fixtures';
import { api, startTestServer, type TestServer } from '../support/test-server';

describe('idempotency', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('when the same submit is sent 5 times at once, then there is one application, submitted once, and every answer is the same', async () => {
    const token = await loginParent(server.url);
    const draft = await api(server.url, 'POST', '/api/v1/applications', { token, body: validApplication() });
    const submit = () =>
      api(server.url, 'POST', `/api/v1/applications/${draft.body.id}/submit`, {
        token,
        headers: { 'idempotency-key': 'phone-retry-0001' },
      });
    const answers = await Promise.all(Array.from({ length: 5 }, submit));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    const list = await api(server.url, 'GET', '/api/v1/applications', { token });
    expect(list.body.applications).toHaveLength(1);
    const progress = await api(server.url, 'GET', `/api/v1/applications/${draft.body.id}/progress`, { token });
    expect(progress.body.timeline.filter((t: any) => t.event === 'submit')).toHaveLength(1);
  });

  test('when a submit is retried with the same key later, then the stored answer is replayed', async () => {
    const token = await loginParent(server.url);
    const draft = await api(server.url, 'POST', '/api/v1/applications', { token, body: validApplication() });
    const first = await api(server.url, 'POST', `/api/v1/applications/${draft.body.id}/submit`, {
      token,
      headers: { 'idempotency-key': 'later-retry-01' },
    });
    const again = await api(server.url, 'POST', `/api/v1/applications/${draft.body.id}/submit`, {
      token,
      headers: { 'idempotency-key': 'later-retry-01' },
    });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  test('when the same key is used for another request, then 422; and a submit without a key is 400', async () => {
    const token = await loginParent(server.url);
    const a = await api(server.url, 'POST', '/api/v1/applications', { token, body: validApplication() });
    const b = await api(server.url, 'POST', '/api/v1/applications', { token, body: validApplication() });
    expect(
      (
        await api(server.url, 'POST', `/api/v1/applications/${a.body.id}/submit`, {
          token,
          headers: { 'idempotency-key': 'shared-key-01' },
        })
      ).status,
    ).toBe(202);
    const reused = await api(server.url, 'POST', `/api/v1/applications/${b.body.id}/submit`, {
      token,
      headers: { 'idempotency-key': 'shared-key-01' },
    });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const missing = await api(server.url, 'POST', `/api/v1/applications/${b.body.id}/submit`, { token });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].path).toBe('headers.idempotency-key');
  });

  test('when the same newborn is applied for twice, then the second submit is 409; only its own parent is told which application', async () => {
    const input = validApplication();
    const first = await submittedApplication(server.url, input);
    const token = await loginParent(server.url);
    const draft = await api(server.url, 'POST', '/api/v1/applications', { token, body: input });
    const second = await api(server.url, 'POST', `/api/v1/applications/${draft.body.id}/submit`, {
      token,
      headers: { 'idempotency-key': 'second-parent-1' },
    });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'CONFLICT', reason: 'NEWBORN_ALREADY_APPLIED' });
    expect(second.body.detail).toMatch(/已有一份/);
    // Another parent must not learn the first application's id.
    expect(second.body.existingApplicationId).toBeUndefined();
    expect(JSON.stringify(second.body)).not.toContain(first.id);
    // The same parent starting a second draft for the same baby is pointed to the first.
    const again = await api(server.url, 'POST', '/api/v1/applications', { token: first.token, body: input });
    const own = await api(server.url, 'POST', `/api/v1/applications/${again.body.id}/submit`, {
      token: first.token,
      headers: { 'idempotency-key': 'same-parent-1' },
    });
    expect(own.status).toBe(409);
    expect(own.body.existingApplicationId).toBe(first.id);
  });

  test('when a department sends the same event twice, even at once, then one transition happens and both answers agree', async () => {
    const { token, id } = await submittedApplication(server.url);
    const hospital = await departmentToken(server.url, 'hospital');
    const taskId = `${id}.birth_certificate`;
    const send = () =>
      api(server.url, 'POST', `/api/v1/dept/tasks/${taskId}/events`, {
        token: hospital,
        body: { eventId: `evt-${id}-accept`, type: 'accept' },
      });
    const [a, b] = await Promise.all([send(), send()]);
    const c = await send();
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(c.headers.get('idempotent-replayed')).toBe('true');
    const progress = await api(server.url, 'GET', `/api/v1/applications/${id}/progress`, { token });
    expect(progress.body.timeline.filter((t: any) => t.event === 'accept')).toHaveLength(1);

    const reused = await api(server.url, 'POST', `/api/v1/dept/tasks/${taskId}/events`, {
      token: hospital,
      body: { eventId: `evt-${id}-accept`, type: 'reject', reasons: [{ message: '材料不全' }] },
    });
    expect(reused.status).toBe(422);
  });

  test('when a department sends an illegal transition, then 409 names the allowed events and nothing changes', async () => {
    const { token, id } = await submittedApplication(server.url);
    const hospital = await departmentToken(server.url, 'hospital');
    const before = await api(server.url, 'GET', `/api/v1/applications/${id}/progress`, { token });
    const res = await api(server.url, 'POST', `/api/v1/dept/tasks/${id}.birth_certificate/events`, {
      token: hospital,
      body: { eventId: `evt-${id}-ship`, type: 'ship', carrier: 'EMS', trackingNumber: 'EMS123' },
    });
    expect(res.status).toBe(409);
    expect(res.body.allowedEvents).toEqual(expect.arrayContaining(['accept', 'reject']));
    const after = await api(server.url, 'GET', `/api/v1/applications/${id}/progress`, { token });
    expect(after.body).toEqual(before.body);
  });

  test('when a department reuses one eventId on two different tasks, then both events apply: ids are unique per task', async () => {
    const { token, id } = await submittedApplication(server.url);
    const hospital = await departmentToken(server.url, 'hospital');
    const post = (item: string, body: object) =>
      api(server.url, 'POST', `/api/v1/dept/tasks/${id}.${item}/events`, { token: hospital, body });
    expect((await post('birth_certificate', { eventId: 'evt-00000001', type: 'accept' })).status).toBe(200);
    const done = await post('birth_certificate', {
      eventId: 'evt-00000002',
      type: 'complete',
      outputs: { certificateNumber: 'R330000001' },
    });
    expect(done.body.state).toBe('completed');
    const other = await post('vaccination_certificate', { eventId: 'evt-00000001', type: 'accept' });
    expect(other.status).toBe(200);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    expect(other.body.state).toBe('accepted');
    const progress = await api(server.url, 'GET', `/api/v1/applications/${id}/progress`, { token });
    expect(progress.body.items.find((i: any) => i.key === 'vaccination_certificate').state).toBe('accepted');
  });

  test('when a rejected item is corrected with another ID number, then the newborn claim moves with it', async () => {
    const input = validApplication();
    const { token, id } = await submittedApplication(server.url, input);
    const hospital = await departmentToken(server.url, 'hospital');
    await api(server.url, 'POST', `/api/v1/dept/tasks/${id}.birth_certificate/events`, {
      token: hospital,
      body: { eventId: `reject-${id}`, type: 'reject', reasons: [{ field: 'mother.idNumber', message: '母亲身份证号码有误' }] },
    });
    const corrected = validApplication().mother.idNumber;
    const res = await api(server.url, 'POST', `/api/v1/applications/${id}/items/birth_certificate/resubmit`, {
      token,
      body: { corrections: { mother: { idNumber: corrected } } },
    });
    expect(res.status).toBe(200);
    // The corrected newborn is taken; the old (wrong) identity is free again.
    const again = { ...input, mother: { ...input.mother, idNumber: corrected } };
    const other = await loginParent(server.url);
    const draft = await api(server.url, 'POST', '/api/v1/applications', { token: other, body: again });
    const dup = await api(server.url, 'POST', `/api/v1/applications/${draft.body.id}/submit`, {
      token: other,
      headers: { 'idempotency-key': `dup-${draft.body.id}` },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.detail).toMatch(/已有一份/);
    const old = await api(server.url, 'POST', '/api/v1/applications', { token: other, body: input });
    const free = await api(server.url, 'POST', `/api/v1/applications/${old.body.id}/submit`, {
      token: other,
      headers: { 'idempotency-key': `free-${old.body.id}` },
    });
    expect(free.status).toBe(202);
  });
});
