import { createWorkingCalendar } from '@birth/shared';
import { departmentToken, loginParent, operatorToken, submittedApplication } from '../support/fixtures';
import { api, startTestServer, type TestServer } from '../support/test-server';

describe('operations: SLA, sweeper, OpenAPI, guide', () => {
  let server: TestServer;
  let clock = new Date();
  beforeAll(async () => {
    server = await startTestServer({ DRAFT_RETENTION_HOURS: '72' }, { now: () => clock, calendar: createWorkingCalendar() });
  });
  afterAll(() => server.close());

  test('when items pass their 1-working-day limit, then operators see them overdue by department, and due-soon before that', async () => {
    clock = new Date();
    const { id } = await submittedApplication(server.url);
    const operator = await operatorToken(server.url);
    const now = await api(server.url, 'GET', '/api/v1/admin/sla?withinHours=0', { token: operator });
    expect(now.status).toBe(200);
    expect(now.body.departments.flatMap((d: any) => d.overdue).find((x: any) => x.applicationId === id)).toBeUndefined();

    clock = new Date(Date.now() + 10 * 86400_000); // ten days later: past any 1-working-day limit
    const later = await api(server.url, 'GET', '/api/v1/admin/sla', { token: operator });
    const hospital = later.body.departments.find((d: any) => d.department === 'hospital');
    expect(hospital.departmentName).toBe('助产机构');
    expect(hospital.overdue).toEqual(
      expect.arrayContaining([expect.objectContaining({ applicationId: id, itemKey: 'birth_certificate', state: 'dispatched' })]),
    );
    const progress = await api(server.url, 'GET', `/api/v1/applications/${id}/progress`, {
      token: await submittedApplicationOwner(),
    });
    expect(progress.status).toBe(404); // another parent: not found
    clock = new Date();
  });

  async function submittedApplicationOwner() {
    return loginParent(server.url);
  }

  test('when a draft is left untouched past the retention time, then the sweeper removes it; fresh drafts and submitted ones stay', async () => {
    clock = new Date();
    const token = await loginParent(server.url);
    const stale = await api(server.url, 'POST', '/api/v1/applications', { token, body: { newborn: { name: '李安安' } } });
    const { id: submittedId, token: t2 } = await submittedApplication(server.url);
    clock = new Date(Date.now() + 73 * 3600_000);
    const fresh = await api(server.url, 'POST', '/api/v1/applications', { token, body: {} });
    const result = await server.components.sweeper.sweepOnce();
    expect(result.drafts).toBe(1);
    expect((await api(server.url, 'GET', `/api/v1/applications/${stale.body.id}`, { token })).status).toBe(404);
    expect((await api(server.url, 'GET', `/api/v1/applications/${fresh.body.id}`, { token })).status).toBe(200);
    expect((await api(server.url, 'GET', `/api/v1/applications/${submittedId}`, { token: t2 })).status).toBe(200);
    clock = new Date();
  });

  test('when version claims are a week old, then the sweeper prunes them and the application keeps changing normally', async () => {
    clock = new Date();
    const { id, token } = await submittedApplication(server.url);
    const claims = () => server.connection.collection('application_changes').countDocuments({ entityId: id });
    expect(await claims()).toBeGreaterThan(0);
    clock = new Date(Date.now() + 8 * 86400_000);
    const result = await server.components.sweeper.sweepOnce();
    expect(result.changes).toBeGreaterThan(0);
    expect(await claims()).toBe(0);
    clock = new Date();
    const hospital = await departmentToken(server.url, 'hospital');
    const res = await api(server.url, 'POST', `/api/v1/dept/tasks/${id}.birth_certificate/events`, {
      token: hospital,
      body: { eventId: `after-sweep-${id}`, type: 'accept' },
    });
    expect(res.status).toBe(200);
    expect((await api(server.url, 'GET', `/api/v1/applications/${id}/progress`, { token })).body.items[0].state).toBe('accepted');
  });

  test('when the progress is read, then it gives deadlines in working days and a predicted completion', async () => {
    clock = new Date('2026-11-20T02:00:00Z'); // a Friday, 10:00 China time
    const { id, token } = await submittedApplication(server.url);
    const hospital = await departmentToken(server.url, 'hospital');
    await api(server.url, 'POST', `/api/v1/dept/tasks/${id}.birth_certificate/events`, {
      token: hospital,
      body: { eventId: `acc-${id}`, type: 'accept' },
    });
    const p = await api(server.url, 'GET', `/api/v1/applications/${id}/progress`, { token });
    const birth = p.body.items.find((i: any) => i.key === 'birth_certificate');
    expect(birth.dueAt).toBe('2026-11-23T15:59:59.999Z'); // end of Monday, China time
    expect(p.body.dueAt).toBe('2026-11-26T15:59:59.999Z'); // 4 working days after Friday's acceptance
    expect(p.body.timeLimitWorkingDays).toBe(4);
    expect(new Date(p.body.predictedCompletionAt).getTime()).toBeGreaterThan(new Date(birth.dueAt).getTime());
    clock = new Date();
  });

  test('when the OpenAPI document is fetched, then it lists the contract paths with schemas from the shared zod schemas', async () => {
    const res = await api(server.url, 'GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/applications/{id}/submit',
        '/api/v1/dept/tasks/{taskId}/events',
        '/api/v1/admin/sla',
        '/api/v1/guide',
      ]),
    );
    expect(res.body.components.schemas.ApplicationInput.properties.mother).toBeDefined();
    expect(JSON.stringify(res.body.components.schemas.DepartmentEvent)).toContain('ready_for_pickup');
  });

  test('when the guide is fetched, then it has the appendix C content in Chinese', async () => {
    const res = await api(server.url, 'GET', '/api/v1/guide');
    expect(res.status).toBe(200);
    expect(res.body.timeLimit.workingDays).toBe(4);
    expect(res.body.items).toHaveLength(5);
    expect(res.body.hospitals.length).toBeGreaterThan(3);
  });

  test('when operators override the calendar, then deadlines follow it; and a year without holiday data raises a warning', async () => {
    let at = new Date('2026-11-20T02:00:00Z'); // Friday
    const custom = await startTestServer({ CALENDAR_OVERRIDES: '2026-11-23:holiday' }, { now: () => at });
    try {
      const { id, token } = await submittedApplication(custom.url);
      const p = await api(custom.url, 'GET', `/api/v1/applications/${id}/progress`, { token });
      expect(p.body.items[0].dueAt).toBe('2026-11-24T15:59:59.999Z'); // Monday made a holiday: due Tuesday
      const operator = await operatorToken(custom.url);
      expect((await api(custom.url, 'GET', '/api/v1/admin/sla', { token: operator })).body.calendarWarnings).toEqual([]);
      at = new Date('2026-12-15T02:00:00Z'); // deadlines now reach into 2027, which chinese-days does not cover
      const sla = await api(custom.url, 'GET', '/api/v1/admin/sla', { token: operator });
      expect(sla.body.calendarWarnings).toEqual([expect.stringContaining('2027 年')]);
    } finally {
      await custom.close();
    }
  });
});
