// 好差评 statistics against a hand-counted fixture: eight applications invited in the period, seven rated,
// one rating removed by an upheld appeal, one rating touching two departments.
import { createWorkingCalendar } from '@birth/shared';
import { operatorToken, submittedApplication } from '../support/fixtures';
import {
  acceptedApplication,
  applicationFor,
  caseEvent,
  completedApplication,
  deptToken,
  drain,
  itemEvent,
  rate,
} from '../support/ratings';
import { api, startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

let server: TestServer;
let offsetMs = 0;
beforeAll(async () => {
  server = await startTestServer({}, { now: () => new Date(Date.now() + offsetMs), calendar: createWorkingCalendar() });
});
afterAll(() => server.close());

test('When ratings were given in a period, then the statistics per department and per item match the hand count, without the upheld appeal', async () => {
  // Something before the period, which must not count.
  const old = await acceptedApplication(server.url);
  await rate(server.url, old.token, old.id, { stage: 'accepted', level: 'very_dissatisfied' });
  offsetMs += 3600_000;
  const from = new Date(Date.now() + offsetMs);
  offsetMs += 1000;

  const levels = ['very_satisfied', 'satisfied', 'basically_satisfied', 'dissatisfied', 'very_dissatisfied'] as const;
  const rated: Record<string, string> = {};
  for (const level of levels) {
    const app = await acceptedApplication(server.url); // A1–A5, hospital only
    const res = await rate(server.url, app.token, app.id, { stage: 'accepted', level });
    expect(res.status).toBe(201);
    rated[level] = res.body.id;
  }
  await acceptedApplication(server.url); // A6: invited, not rated
  const a7 = await completedApplication(server.url); // A7: both stages in the period, rates the end
  expect((await rate(server.url, a7.token, a7.id, { stage: 'completed', level: 'satisfied' })).status).toBe(201);
  // A8: hospital and police accepted, one bad rating for both.
  const a8 = await submittedApplication(server.url, applicationFor(['birth_certificate', 'hukou_registration']));
  await itemEvent(server.url, a8.id, 'birth_certificate', { type: 'accept' });
  await itemEvent(server.url, a8.id, 'birth_certificate', { type: 'complete', outputs: { certificateNumber: 'R330000008' } });
  await itemEvent(server.url, a8.id, 'hukou_registration', { type: 'accept' });
  expect((await rate(server.url, a8.token, a8.id, { stage: 'accepted', level: 'dissatisfied' })).status).toBe(201);

  // The hospital's appeal against A5's rating is upheld: it leaves the hospital's statistics.
  const cases = await api(server.url, 'GET', '/api/v1/dept/ratings/cases', { token: await deptToken(server.url, 'hospital') });
  const a5Case = cases.body.cases.find((c: { ratingId: string }) => c.ratingId === rated.very_dissatisfied).caseId;
  await caseEvent(server.url, 'hospital', a5Case, {
    eventId: 'stats-appeal-a5',
    type: 'appeal',
    reason: 'malicious',
    note: '恶意差评',
  });
  const operator = await operatorToken(server.url);
  const decided = await api(server.url, 'POST', `/api/v1/admin/ratings/cases/${a5Case}/appeal-decision`, {
    token: operator,
    body: { decision: 'uphold', note: '经核实属恶意差评' },
  });
  expect(decided.status).toBe(200);

  offsetMs += 1000;
  const to = new Date(Date.now() + offsetMs);
  const res = await api(server.url, 'GET', `/api/v1/admin/ratings/stats?from=${from.toISOString()}&to=${to.toISOString()}`, {
    token: operator,
  });
  expect(res.status).toBe(200);
  const dept = (code: string) => res.body.departments.find((d: { department: string }) => d.department === code);
  const item = (key: string) => res.body.items.find((i: { itemKey: string }) => i.itemKey === key);

  // Hospital: A1 非常满意, A2 满意, A3 基本满意, A4 不满意, A7 满意, A8 不满意 (A5 excluded) → 6, 4 good, 2 bad.
  expect(dept('hospital')).toMatchObject({
    count: 6,
    levels: { very_satisfied: 1, satisfied: 2, basically_satisfied: 1, dissatisfied: 2, very_dissatisfied: 0 },
    good: 4,
    bad: 2,
    goodRate: 0.6667,
    badRate: 0.3333,
    excludedByAppeal: 1,
    applicationsInvited: 8,
    applicationsRated: 7,
    ratedShare: 0.875,
    casesOpened: 3,
    casesOverdue: 0,
  });
  expect(dept('police')).toMatchObject({
    count: 1,
    good: 0,
    bad: 1,
    goodRate: 0,
    badRate: 1,
    applicationsInvited: 1,
    applicationsRated: 1,
    ratedShare: 1,
    casesOpened: 1,
  });
  expect(dept('medical_insurance')).toMatchObject({
    count: 0,
    goodRate: null,
    badRate: null,
    applicationsInvited: 0,
    ratedShare: null,
  });
  expect(item('birth_certificate')).toMatchObject({ count: 6, good: 4, bad: 2 });
  expect(item('hukou_registration')).toMatchObject({ count: 1, bad: 1 });
  expect(item('vaccination_certificate')).toMatchObject({ count: 0 });
  expect(res.body.overall).toMatchObject({
    count: 6,
    good: 4,
    bad: 2,
    applicationsInvited: 8,
    applicationsRated: 7,
    casesOpened: 4,
  });

  // Two days on, the three open cases are past their call-back deadline.
  offsetMs += 2 * 86400_000;
  const later = await api(server.url, 'GET', `/api/v1/admin/ratings/stats?from=${from.toISOString()}&to=${to.toISOString()}`, {
    token: operator,
  });
  expect(later.body.departments.find((d: { department: string }) => d.department === 'hospital')).toMatchObject({
    casesOverdue: 2,
    callbackOverdue: 2,
  });
  expect(later.body.overall.casesOverdue).toBe(3);

  // Once A7's reminders are out, it is finished and moves to the archive: it still counts as invited and rated.
  offsetMs += 4 * 86400_000;
  await drain(server);
  expect(await server.components.applicationsRepo.findById(a7.id)).not.toBeNull();
  expect(await server.components.applicationsRepo.archiveFinished(new Date(Date.now() + offsetMs), 100)).toBeGreaterThanOrEqual(
    1,
  );
  expect(await server.components.applicationsRepo.findById(a7.id)).toBeNull();
  const archived = await api(server.url, 'GET', `/api/v1/admin/ratings/stats?from=${from.toISOString()}&to=${to.toISOString()}`, {
    token: operator,
  });
  expect(archived.body.departments.find((d: { department: string }) => d.department === 'hospital')).toMatchObject({
    count: 6,
    applicationsInvited: 8,
    applicationsRated: 7,
  });
});
