// 好差评 end to end on a real FerretDB over real HTTP, with the server's own relay delivering to the dev push
// and SMS: invitations, the one reminder, a bad rating's case with its deadlines, the department's call-back
// and feedback, the parent's notice and the one 追评. The clock is injected: no sleeps.
import { createWorkingCalendar } from '@birth/shared';
import { loginParent, operatorToken } from '../support/fixtures';
import {
  acceptedApplication,
  caseEvent,
  completedApplication,
  deptToken,
  devInboxOf,
  drain,
  noticesOf,
  rate,
} from '../support/ratings';
import { findPersonalData } from '../support/leaks';
import { api, startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

const HOUR = 3600_000;
const DAY = 24 * HOUR;
let server: TestServer;
let offsetMs = 0;
const advance = (ms: number) => {
  offsetMs += ms;
};

beforeAll(async () => {
  server = await startTestServer({}, { now: () => new Date(Date.now() + offsetMs), calendar: createWorkingCalendar() });
});
afterAll(() => server.close());

const templatesOf = async (id: string) => (await noticesOf(server, id)).map((n) => n.template as string);
const adminCase = async (caseId: string) => {
  const res = await api(server.url, 'GET', '/api/v1/admin/ratings/cases?status=awaiting_callback', {
    token: await operatorToken(server.url),
  });
  return res.body.cases.find((c: { caseId: string }) => c.caseId === caseId);
};

describe('好差评: the whole loop', () => {
  test('When every item is done, a bad rating is called back and fed back, then the parent is told and may add one 追评', async () => {
    const { id, token } = await completedApplication(server.url);
    await drain(server);

    // Invitations: one after 受理, one for the whole application at the end; no per-item "欢迎评价".
    const notices = await noticesOf(server, id);
    const invitations = notices.filter((n) => n.template === 'rating_invitation');
    expect(invitations.map((n) => n.title)).toEqual(['出生“一件事”已受理，请您评价', '出生“一件事”已全部办结，请您评价']);
    expect(notices.find((n) => n.template === 'item_delivered')!.body).not.toContain('评价');
    // Pushed (dev push), so no SMS for the invitation.
    expect((await devInboxOf(server, invitations[1]._id as unknown as string)).map((m) => m.channel)).toEqual(['push']);

    // A bad rating of the 办结 stage opens a case for the hospital with its deadlines.
    const rated = await rate(server.url, token, id, {
      stage: 'completed',
      level: 'very_dissatisfied',
      tags: ['slow', 'no_progress'],
      comment: '证件寄送太慢，进度也看不到。',
    });
    expect(rated.status).toBe(201);
    expect(rated.body).toMatchObject({ stage: 'completed', level: 'very_dissatisfied', levelLabel: '非常不满意', bad: true });
    expect(rated.body.tags).toEqual([
      { code: 'slow', label: '办事效率低，超过承诺时限' },
      { code: 'no_progress', label: '办理进度不透明' },
    ]);

    const hospital = await deptToken(server.url, 'hospital');
    const cases = await api(server.url, 'GET', '/api/v1/dept/ratings/cases', { token: hospital });
    expect(cases.status).toBe(200);
    const mine = cases.body.cases.find((c: { ratingId: string }) => c.ratingId === rated.body.id);
    expect(mine).toMatchObject({ status: 'awaiting_callback', overdue: false, allowedEvents: ['call_back', 'appeal'] });
    expect(Date.parse(mine.callbackDueAt) - Date.parse(mine.openedAt)).toBe(DAY);
    expect(Date.parse(mine.feedbackDueAt) - Date.parse(mine.openedAt)).toBe(15 * DAY);
    expect(mine.rating.comment).toBe('证件寄送太慢，进度也看不到。');
    expect(JSON.stringify(cases.body)).not.toMatch(/13998765432|13812345678|王建国|李晓红/);
    expect(JSON.stringify(cases.body)).not.toContain(id);
    const caseId = mine.caseId as string;
    expect(await adminCase(caseId)).toMatchObject({ applicationId: id, overdue: false });

    // The 追评 waits for the feedback.
    const early = await rate(server.url, token, id, { stage: 'follow_up', of: 'completed', level: 'satisfied' });
    expect(early.status).toBe(409);
    expect(early.body.detail).toContain('尚未反馈');

    // The call-back number: the case's department only, audited.
    const contact = await api(server.url, 'GET', `/api/v1/dept/ratings/cases/${caseId}/contact`, { token: hospital });
    expect(contact.status).toBe(200);
    expect(contact.body.callbackPhone).toBe('13998765432'); // the father, with whom the newborn registers
    const audit = await server.components.applicationsRepo.listAudit(id);
    expect(audit.filter((a) => a.action === 'rating.callback_contact')).toEqual([
      expect.objectContaining({ department: 'hospital', fields: ['callbackPhone'] }),
    ]);

    // Out of order is 409 with what is allowed; then call back, rectify, feed back.
    const tooSoon = await caseEvent(server.url, 'hospital', caseId, {
      eventId: 'fb-too-soon-1',
      type: 'feedback',
      message: '已整改',
    });
    expect(tooSoon.status).toBe(409);
    expect(tooSoon.body).toMatchObject({
      code: 'CONFLICT',
      currentStatus: 'awaiting_callback',
      allowedEvents: ['call_back', 'appeal'],
    });
    const call = { eventId: `cb-${caseId.slice(3, 15)}`, type: 'call_back', reached: true, note: '已电话回访，家长反映寄送慢。' };
    expect((await caseEvent(server.url, 'hospital', caseId, call)).status).toBe(200);
    const replay = await caseEvent(server.url, 'hospital', caseId, call);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const reused = await caseEvent(server.url, 'hospital', caseId, { ...call, note: '另一条记录' });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const rectified = await caseEvent(server.url, 'hospital', caseId, {
      eventId: `rf-${caseId.slice(3, 15)}`,
      type: 'rectify',
      measures: '与邮政约定出生医学证明当日寄出，进度页显示运单号。',
    });
    expect(rectified.status).toBe(200);
    expect(rectified.body.status).toBe('rectifying');
    const fed = await caseEvent(server.url, 'hospital', caseId, {
      eventId: `fb-${caseId.slice(3, 15)}`,
      type: 'feedback',
      message: '您好，已与邮政约定证件当日寄出，并在进度页显示运单号。感谢您的监督！',
    });
    expect(fed.status).toBe(200);
    expect(fed.body).toMatchObject({ status: 'feedback_given', allowedEvents: [] });

    // The parent is told through the outbox, once.
    await drain(server);
    const feedbackNotices = (await noticesOf(server, id)).filter((n) => n.template === 'rating_feedback');
    expect(feedbackNotices).toHaveLength(1);
    expect(feedbackNotices[0].title).toBe('助产机构已反馈对您评价的整改情况');
    const mineNow = await api(server.url, 'GET', `/api/v1/applications/${id}/ratings`, { token });
    expect(mineNow.status).toBe(200);
    const completedStage = mineNow.body.stages.find((s: { stage: string }) => s.stage === 'completed');
    expect(completedStage).toMatchObject({ reached: true, rated: true, canFollowUp: true });
    expect(completedStage.cases[0].feedback.message).toContain('当日寄出');

    // One 追评, a second refused; the case closes.
    const followUp = await rate(server.url, token, id, {
      stage: 'follow_up',
      of: 'completed',
      level: 'satisfied',
      tags: ['efficient'],
    });
    expect(followUp.status).toBe(201);
    expect(followUp.body).toMatchObject({ kind: 'follow_up', stage: 'completed', levelLabel: '满意' });
    const second = await rate(server.url, token, id, { stage: 'follow_up', of: 'completed', level: 'very_satisfied' });
    expect(second.status).toBe(409);
    const closed = await api(server.url, 'GET', `/api/v1/dept/ratings/cases/${caseId}`, { token: hospital });
    expect(closed.body.status).toBe('closed');
    const after = await api(server.url, 'GET', `/api/v1/applications/${id}/ratings`, { token });
    const stage = after.body.stages.find((s: { stage: string }) => s.stage === 'completed');
    expect(stage).toMatchObject({ canFollowUp: false, followUp: { level: 'satisfied' } });
    // A closed case gives no call-back number any more.
    expect((await api(server.url, 'GET', `/api/v1/dept/ratings/cases/${caseId}/contact`, { token: hospital })).status).toBe(409);
  });

  test('When an invitation is not answered, then one reminder goes after 3 days and never another; a rated stage gets none', async () => {
    const unanswered = await acceptedApplication(server.url);
    const answered = await acceptedApplication(server.url);
    await drain(server);
    expect(await templatesOf(unanswered.id)).toEqual(['application_submitted', 'item_accepted', 'rating_invitation']);
    expect((await rate(server.url, answered.token, answered.id, { stage: 'accepted', level: 'satisfied' })).status).toBe(201);

    advance(3 * DAY - HOUR);
    await drain(server);
    expect(await templatesOf(unanswered.id)).not.toContain('rating_reminder');

    advance(2 * HOUR);
    await drain(server);
    const reminders = (await noticesOf(server, unanswered.id)).filter((n) => n.template === 'rating_reminder');
    expect(reminders.map((n) => n.title)).toEqual(['您还没有评价出生“一件事”受理服务']);
    expect(await templatesOf(answered.id)).not.toContain('rating_reminder');
    const entry = (await server.components.applicationsRepo.findById(answered.id))!.outbox.find(
      (e) => e.template === 'rating_reminder',
    )!;
    expect(entry.state).toBe('done'); // dropped at delivery, not retried

    advance(7 * DAY);
    await drain(server);
    expect((await templatesOf(unanswered.id)).filter((t) => t === 'rating_reminder')).toHaveLength(1);
  });

  test('When the clock passes a case deadline, then operators see it overdue until the department acts', async () => {
    const { id, token } = await acceptedApplication(server.url);
    const rated = await rate(server.url, token, id, { stage: 'accepted', level: 'dissatisfied', tags: ['not_told_at_once'] });
    expect(rated.status).toBe(201);
    const cases = await api(server.url, 'GET', '/api/v1/dept/ratings/cases', { token: await deptToken(server.url, 'hospital') });
    const caseId = cases.body.cases.find((c: { ratingId: string }) => c.ratingId === rated.body.id).caseId;
    expect((await adminCase(caseId)).overdue).toBe(false);

    advance(DAY + 60_000);
    const operator = await operatorToken(server.url);
    const overdue = await api(server.url, 'GET', '/api/v1/admin/ratings/cases?overdue=true', { token: operator });
    expect(overdue.status).toBe(200);
    expect(overdue.body.cases.find((c: { caseId: string }) => c.caseId === caseId)).toMatchObject({
      callbackOverdue: true,
      feedbackOverdue: false,
    });

    await caseEvent(server.url, 'hospital', caseId, {
      eventId: `cb-late-${caseId.slice(3, 12)}`,
      type: 'call_back',
      reached: false,
      note: '未接通，已发短信',
    });
    const called = await api(server.url, 'GET', '/api/v1/admin/ratings/cases?status=rectifying', { token: operator });
    expect(called.body.cases.find((c: { caseId: string }) => c.caseId === caseId)).toMatchObject({ overdue: false });

    advance(15 * DAY);
    const late = await api(server.url, 'GET', '/api/v1/admin/ratings/cases?overdue=true', { token: operator });
    expect(late.body.cases.find((c: { caseId: string }) => c.caseId === caseId)).toMatchObject({
      callbackOverdue: false,
      feedbackOverdue: true,
    });
    expect(late.body.overdueCount).toBeGreaterThanOrEqual(1);
  });
});

test('When the caller is not a parent, then rating endpoints answer 401 or 403', async () => {
  const { id } = await acceptedApplication(server.url);
  expect((await api(server.url, 'GET', `/api/v1/applications/${id}/ratings`)).status).toBe(401);
  const dept = await deptToken(server.url, 'hospital');
  expect((await api(server.url, 'GET', `/api/v1/applications/${id}/ratings`, { token: dept })).status).toBe(403);
  expect((await api(server.url, 'GET', '/api/v1/dept/ratings', { token: await loginParent(server.url) })).status).toBe(403);
  expect((await api(server.url, 'GET', '/api/v1/admin/ratings/cases', { token: dept })).status).toBe(403);
});

test('When the application has moved to the archive, then it can still be rated, and the feedback still reaches the parent', async () => {
  const { id, token } = await completedApplication(server.url);
  advance(4 * DAY); // the reminders go out; nothing is pending any more
  await drain(server);
  const repo = server.components.applicationsRepo;
  expect(await repo.archiveFinished(new Date(Date.now() + offsetMs + DAY), 1000)).toBeGreaterThanOrEqual(1);
  expect(await repo.findById(id)).toBeNull();

  const rated = await rate(server.url, token, id, { stage: 'completed', level: 'dissatisfied', tags: ['guide_inaccurate'] });
  expect(rated.status).toBe(201);
  const cases = await api(server.url, 'GET', '/api/v1/dept/ratings/cases', { token: await deptToken(server.url, 'hospital') });
  const caseId = cases.body.cases.find((c: { ratingId: string }) => c.ratingId === rated.body.id).caseId;
  for (const [type, extra] of [
    ['call_back', { reached: true, note: '已回访' }],
    ['rectify', { measures: '已更新办事指南' }],
    ['feedback', { message: '办事指南已更新，感谢您的意见。' }],
  ] as const) {
    const res = await caseEvent(server.url, 'hospital', caseId, {
      eventId: `arch-${type}-${caseId.slice(3, 14)}`,
      type,
      ...extra,
    });
    expect(res.status).toBe(200);
  }
  const told = (await noticesOf(server, id)).filter((n) => n.template === 'rating_feedback');
  expect(told).toHaveLength(1);
  expect(await devInboxOf(server, told[0]._id as unknown as string)).toHaveLength(1); // pushed
  expect((await server.components.ratingsRepo.findCase(caseId))!.noticesPending).toBe(false);
  const view = await api(server.url, 'GET', `/api/v1/applications/${id}/ratings`, { token });
  expect(view.body.stages[1]).toMatchObject({ canFollowUp: true });
});

test('When the loops above have run, then no phone or ID number is stored in clear in any collection (ratings, cases, their claims)', async () => {
  const names = (await server.connection.db!.listCollections().toArray()).map((c) => c.name);
  expect(names).toEqual(expect.arrayContaining(['ratings', 'rating_cases', 'rating_case_changes']));
  for (const name of names) {
    const docs = await server.connection.collection(name).find().toArray();
    expect({ collection: name, leaks: findPersonalData(JSON.stringify(docs)) }).toEqual({ collection: name, leaks: [] });
  }
});
