// The rating endpoints' rules over real HTTP on a real FerretDB: whose application, which stage, one rating
// per stage, every bad field at once in Chinese, text kept inert, departments kept to their own ratings and
// never the rater, appeals decided by operators.
import { randomUUID } from 'node:crypto';
import { createNotifier, createOutboxRelay } from '../../bff/src/components/notifications';
import { createRatingsRepository, createRatingsService } from '../../bff/src/components/ratings';
import { createDevSms } from '../../bff/src/providers/dev';
import { loginParent, operatorToken, submittedApplication } from '../support/fixtures';
import {
  acceptedApplication,
  applicationFor,
  caseEvent,
  completedApplication,
  deptToken,
  devInboxOf,
  drain,
  itemEvent,
  noticesOf,
  rate,
} from '../support/ratings';
import { api, startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const HAN = /\p{Script=Han}/u;

describe('POST /api/v1/applications/:id/ratings', () => {
  test('When the application is someone else’s or unknown, then 404; when the stage is not reached, then 409', async () => {
    const { id } = await acceptedApplication(server.url);
    const stranger = await loginParent(server.url);
    const other = await rate(server.url, stranger, id, { stage: 'accepted', level: 'satisfied' });
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('NOT_FOUND');
    expect((await api(server.url, 'GET', `/api/v1/applications/${id}/ratings`, { token: stranger })).status).toBe(404);
    expect((await rate(server.url, stranger, 'no-such-application', { stage: 'accepted', level: 'satisfied' })).status).toBe(404);

    const submitted = await submittedApplication(server.url);
    const notAccepted = await rate(server.url, submitted.token, submitted.id, { stage: 'accepted', level: 'satisfied' });
    expect(notAccepted.status).toBe(409);
    expect(notAccepted.body).toMatchObject({ code: 'CONFLICT', stage: 'accepted', reached: false });
    expect(notAccepted.body.detail).toMatch(HAN);

    const accepted = await acceptedApplication(server.url);
    const notDone = await rate(server.url, accepted.token, accepted.id, { stage: 'completed', level: 'satisfied' });
    expect(notDone.status).toBe(409);
    expect(notDone.body.detail).toContain('全部办结');
    const view = await api(server.url, 'GET', `/api/v1/applications/${accepted.id}/ratings`, { token: accepted.token });
    expect(view.body.stages.map((s: { stage: string; reached: boolean }) => [s.stage, s.reached])).toEqual([
      ['accepted', true],
      ['completed', false],
    ]);
  });

  test('When a stage is rated twice, then the second is 409; a retry with the same Idempotency-Key gets the first answer', async () => {
    const { id, token } = await acceptedApplication(server.url);
    const body = { stage: 'accepted', level: 'very_satisfied', tags: ['efficient', 'told_at_once'] };
    const first = await rate(server.url, token, id, body, { 'idempotency-key': `rate-${id}` });
    expect(first.status).toBe(201);
    const retry = await rate(server.url, token, id, body, { 'idempotency-key': `rate-${id}` });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    const second = await rate(server.url, token, id, { stage: 'accepted', level: 'dissatisfied' });
    expect(second.status).toBe(409);
    expect(second.body.detail).toContain('只能评价一次');
    // Two at once: exactly one wins (a unique insert decides).
    const other = await acceptedApplication(server.url);
    const both = await Promise.all([
      rate(server.url, other.token, other.id, { stage: 'accepted', level: 'satisfied' }),
      rate(server.url, other.token, other.id, { stage: 'accepted', level: 'very_satisfied' }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  test('When the body is wrong in several ways, then 400 lists every bad field in Chinese', async () => {
    const { id, token } = await acceptedApplication(server.url);
    const res = await rate(server.url, token, id, {
      stage: 'accepted',
      level: 'dissatisfied',
      tags: ['efficient', 'slow', 'slow'],
      comment: '慢'.repeat(501),
      items: ['passport'],
      callbackPhone: '12345',
      extra: true,
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const paths = res.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['callbackPhone', 'comment', 'extra', 'items.0', 'tags.0', 'tags.2']);
    for (const e of res.body.errors) expect(e.message).toMatch(HAN);

    const level = await rate(server.url, token, id, { stage: 'accepted', level: 'great' });
    expect(level.status).toBe(400);
    expect(level.body.errors).toEqual([{ path: 'level', message: expect.stringContaining('非常满意') }]);
    const stage = await rate(server.url, token, id, { stage: 'halfway', level: 'satisfied' });
    expect(stage.body.errors).toEqual([{ path: 'stage', message: expect.stringContaining('accepted') }]);
    const followUp = await rate(server.url, token, id, { stage: 'follow_up', level: 'satisfied' });
    expect(followUp.body.errors).toEqual([{ path: 'of', message: expect.stringMatching(HAN) }]);
    const notJson = await api(server.url, 'POST', `/api/v1/applications/${id}/ratings`, {
      token,
      rawBody: 'level=satisfied',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(notJson.status).toBe(415);
    // An item the application does not have.
    const small = await acceptedApplication(server.url, ['birth_certificate']);
    const missing = await rate(server.url, small.token, small.id, {
      stage: 'accepted',
      level: 'satisfied',
      items: ['hukou_registration'],
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ path: 'items.0', message: expect.stringContaining('出生户口登记') }]);
    // An item not yet dispatched (waiting on another) has had no service to rate.
    const waiting = await rate(server.url, token, id, { stage: 'accepted', level: 'satisfied', items: ['social_security_card'] });
    expect(waiting.status).toBe(400);
    expect(waiting.body.errors).toEqual([{ path: 'items.0', message: expect.stringContaining('尚未开始办理') }]);
    // Nothing was stored by the refused attempts.
    expect((await rate(server.url, token, id, { stage: 'accepted', level: 'satisfied' })).status).toBe(201);
  });

  test('When the comment holds a <script>, then it is stored and returned as the same plain text, as JSON', async () => {
    const { id, token } = await acceptedApplication(server.url);
    const comment = '<script>alert("x")</script><img src=x onerror=alert(1)> 办得慢 & 不清楚';
    const res = await rate(server.url, token, id, { stage: 'accepted', level: 'dissatisfied', tags: ['slow'], comment });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.body.comment).toBe(comment);
    const stored = await server.connection.collection('ratings').findOne({ applicationId: id });
    expect(stored!.comment).toBe(comment);
    const dept = await api(server.url, 'GET', '/api/v1/dept/ratings', { token: await deptToken(server.url, 'hospital') });
    expect(dept.headers.get('content-type')).toMatch(/^application\/json/);
    expect(dept.body.ratings.find((r: { ratingId: string }) => r.ratingId === res.body.id).comment).toBe(comment);
  });
});

describe('departments and operators', () => {
  test('When a rating concerns the hospital, then the police see neither it, its case nor the phone; the hospital sees no identity', async () => {
    const { id, token } = await acceptedApplication(server.url);
    const rated = await rate(server.url, token, id, {
      stage: 'accepted',
      level: 'very_dissatisfied',
      tags: ['unfriendly'],
      callbackPhone: '137 0000 1234',
    });
    expect(rated.status).toBe(201);

    const police = await deptToken(server.url, 'police');
    const policeList = await api(server.url, 'GET', '/api/v1/dept/ratings', { token: police });
    expect(policeList.status).toBe(200);
    expect(policeList.body.ratings.map((r: { ratingId: string }) => r.ratingId)).not.toContain(rated.body.id);

    const hospital = await deptToken(server.url, 'hospital');
    const list = await api(server.url, 'GET', '/api/v1/dept/ratings', { token: hospital });
    const seen = list.body.ratings.find((r: { ratingId: string }) => r.ratingId === rated.body.id);
    expect(seen).toMatchObject({ level: 'very_dissatisfied', items: [{ key: 'birth_certificate', name: '出生医学证明' }] });
    expect(Object.keys(seen).sort()).toEqual(
      [
        'bad',
        'caseId',
        'caseStatus',
        'comment',
        'createdAt',
        'items',
        'kind',
        'level',
        'levelLabel',
        'ratingId',
        'stage',
        'stageLabel',
        'tags',
      ].sort(),
    );
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(id);
    expect(text).not.toMatch(/13700001234|13998765432|13812345678|王建国|李晓红|王小禾|ownerId|parent-/);

    const caseId = seen.caseId as string;
    for (const path of [`/api/v1/dept/ratings/cases/${caseId}`, `/api/v1/dept/ratings/cases/${caseId}/contact`]) {
      expect((await api(server.url, 'GET', path, { token: police })).status).toBe(404);
    }
    const policeEvent = await caseEvent(server.url, 'police', caseId, {
      eventId: 'police-try-1',
      type: 'call_back',
      reached: true,
      note: '试图回访',
    });
    expect(policeEvent.status).toBe(404);
    expect(await server.components.applicationsRepo.listAudit(id)).not.toContainEqual(
      expect.objectContaining({ action: 'rating.callback_contact' }),
    );
    // The number the parent gave, to the hospital, sealed at rest.
    const contact = await api(server.url, 'GET', `/api/v1/dept/ratings/cases/${caseId}/contact`, { token: hospital });
    expect(contact.body.callbackPhone).toBe('13700001234');
    const stored = await server.connection.collection('ratings').findOne({ applicationId: id });
    expect(JSON.stringify(stored)).not.toContain('13700001234');
  });

  test('When the department appeals and an operator upholds it, then the case ends and the parent is told; a second decision is 409', async () => {
    const { id, token } = await completedApplication(server.url);
    const rated = await rate(server.url, token, id, { stage: 'completed', level: 'very_dissatisfied', comment: '随便打的' });
    const hospital = await deptToken(server.url, 'hospital');
    const cases = await api(server.url, 'GET', '/api/v1/dept/ratings/cases', { token: hospital });
    const caseId = cases.body.cases.find((c: { ratingId: string }) => c.ratingId === rated.body.id).caseId;

    const badAppeal = await caseEvent(server.url, 'hospital', caseId, {
      eventId: 'appeal-bad-1',
      type: 'appeal',
      reason: 'because',
    });
    expect(badAppeal.status).toBe(400);
    expect(badAppeal.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['note', 'reason']);
    const appeal = await caseEvent(server.url, 'hospital', caseId, {
      eventId: `appeal-${caseId.slice(3, 15)}`,
      type: 'appeal',
      reason: 'mistaken',
      note: '全部证件已按时送达，评价内容与办理记录不符。',
    });
    expect(appeal.status).toBe(200);
    expect(appeal.body.appeal).toMatchObject({ state: 'pending', reasonLabel: '误评（评价内容与实际办理不符）' });
    const again = await caseEvent(server.url, 'hospital', caseId, {
      eventId: `appeal2-${caseId.slice(3, 15)}`,
      type: 'appeal',
      reason: 'other',
      note: '再次申诉',
    });
    expect(again.status).toBe(409);

    const operator = await operatorToken(server.url);
    const decide = (body: unknown, t = operator) =>
      api(server.url, 'POST', `/api/v1/admin/ratings/cases/${caseId}/appeal-decision`, { token: t, body });
    expect((await decide({ decision: 'uphold', note: '核实' }, hospital)).status).toBe(403);
    expect((await decide({ decision: 'maybe' })).body.errors).toEqual([
      { path: 'decision', message: expect.stringMatching(HAN) },
      { path: 'note', message: expect.stringMatching(HAN) },
    ]);
    const upheld = await decide({ decision: 'uphold', note: '经核实，证件均已按时送达，申诉成立。' });
    expect(upheld.status).toBe(200);
    expect(upheld.body).toMatchObject({ status: 'appeal_upheld', appeal: { state: 'upheld' }, allowedEvents: [] });
    const same = await decide({ decision: 'uphold', note: '经核实，证件均已按时送达，申诉成立。' });
    expect(same.status).toBe(200);
    expect(same.headers.get('idempotent-replayed')).toBe('true');
    expect((await decide({ decision: 'reject', note: '改判' })).status).toBe(409);
    const noAppeal = await api(server.url, 'POST', `/api/v1/admin/ratings/cases/rc_unknown/appeal-decision`, {
      token: operator,
      body: { decision: 'reject', note: '无' },
    });
    expect(noAppeal.status).toBe(404);

    await drain(server);
    const told = (await noticesOf(server, id)).filter((n) => n.template === 'rating_appeal_upheld');
    expect(told).toHaveLength(1);
    expect(told[0].body).toContain('不计入统计');
    const parentView = await api(server.url, 'GET', `/api/v1/applications/${id}/ratings`, { token });
    expect(parentView.body.stages[1].cases[0]).toMatchObject({ appealUpheld: true, status: 'appeal_upheld' });
    // Once upheld, the department no longer acts on it.
    const late = await caseEvent(server.url, 'hospital', caseId, {
      eventId: `cb-after-${caseId.slice(3, 12)}`,
      type: 'call_back',
      reached: true,
      note: '回访',
    });
    expect(late.status).toBe(409);
  });

  test('When an operator lists cases with a bad filter, then 400 names each parameter', async () => {
    const operator = await operatorToken(server.url);
    const res = await api(server.url, 'GET', '/api/v1/admin/ratings/cases?status=lost&department=army&overdue=maybe', {
      token: operator,
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['query.status', 'query.department', 'query.overdue']);
    const stats = await api(server.url, 'GET', '/api/v1/admin/ratings/stats?from=2026-05-01&to=yesterday', { token: operator });
    expect(stats.status).toBe(400);
    expect(stats.body.errors).toEqual([{ path: 'query.to', message: expect.stringMatching(HAN) }]);
    const dept = await api(server.url, 'GET', '/api/v1/dept/ratings?limit=0', { token: await deptToken(server.url, 'police') });
    expect(dept.body.errors).toEqual([{ path: 'query.limit', message: expect.stringMatching(HAN) }]);
  });
});

test('When a rating touches two departments, then each gets its own case for its own items', async () => {
  const input = applicationFor(['birth_certificate', 'hukou_registration']);
  const { id, token } = await submittedApplication(server.url, input);
  await itemEvent(server.url, id, 'birth_certificate', { type: 'accept' });
  await itemEvent(server.url, id, 'birth_certificate', { type: 'complete', outputs: { certificateNumber: 'R330000009' } });
  await itemEvent(server.url, id, 'hukou_registration', { type: 'accept' });
  const rated = await rate(server.url, token, id, { stage: 'accepted', level: 'dissatisfied' });
  expect(rated.body.items.map((i: { key: string }) => i.key)).toEqual(['birth_certificate', 'hukou_registration']);
  const police = await api(server.url, 'GET', '/api/v1/dept/ratings/cases', { token: await deptToken(server.url, 'police') });
  const policeCase = police.body.cases.find((c: { ratingId: string }) => c.ratingId === rated.body.id);
  expect(policeCase.items).toEqual([{ key: 'hukou_registration', name: '出生户口登记' }]);
  const hospital = await api(server.url, 'GET', '/api/v1/dept/ratings/cases', { token: await deptToken(server.url, 'hospital') });
  const hospitalCase = hospital.body.cases.find((c: { ratingId: string }) => c.ratingId === rated.body.id);
  expect(hospitalCase.items).toEqual([{ key: 'birth_certificate', name: '出生医学证明' }]);
  expect(hospitalCase.caseId).not.toBe(policeCase.caseId);
});

describe('delivery, recovery and the contract', () => {
  test('When the parent cannot be pushed to, then the rating invitation goes by SMS instead (masked in the dev inbox)', async () => {
    const { id } = await acceptedApplication(server.url);
    const { connection } = server;
    const relay = createOutboxRelay({
      connection,
      applications: server.components.applicationsRepo,
      deliver: createNotifier({ connection, crypto: server.components.crypto, push: null, sms: createDevSms({ connection }) }),
      workerId: `relay-${randomUUID()}`,
    });
    for (let i = 0; i < 5; i++) if (!(await relay.runOnce()).delivered) break;
    const app = (await server.components.applicationsRepo.findById(id))!;
    const invitation = app.outbox.find((e) => e.template === 'rating_invitation')!;
    expect(invitation.state).toBe('done');
    const sent = await devInboxOf(server, invitation.id);
    expect(sent.map((m) => m.channel)).toEqual(['sms']);
    expect(sent[0].recipient).toBe('139****5432');
    expect(sent[0].text).toContain('请您评价');
  });

  test('When a writer died between storing a bad rating and opening its case, then reconcile opens it once', async () => {
    const { id, token } = await acceptedApplication(server.url);
    const rated = await rate(server.url, token, id, { stage: 'accepted', level: 'dissatisfied' });
    const ratings = server.connection.collection('ratings');
    const cases = server.connection.collection('rating_cases');
    await cases.deleteMany({ ratingId: rated.body.id });
    await ratings.updateOne({ _id: rated.body.id }, { $set: { effectsDone: false, createdAt: new Date(Date.now() - 60_000) } });
    expect(await server.components.ratings.reconcile()).toMatchObject({ ratings: 1 });
    expect(await cases.countDocuments({ ratingId: rated.body.id })).toBe(1);
    expect(await server.components.ratings.reconcile()).toMatchObject({ ratings: 0 });
    expect(await cases.countDocuments({ ratingId: rated.body.id })).toBe(1);
  });

  test('When a department writer dies right after committing feedback, then the parent sees it, and a retry or reconcile tells the parent once', async () => {
    const { crypto, calendar, applicationsRepo } = server.components;
    const crashing = (died: string[]) =>
      createRatingsService({
        repo: createRatingsRepository(server.connection, crypto, {
          hooks: {
            afterClaim: async (claimId) => {
              died.push(claimId);
              throw new Error('writer died after its claim');
            },
          },
        }),
        applications: applicationsRepo,
        crypto,
        calendar,
        now: () => new Date(),
      });
    const principal = { sub: 'dev-hospital', role: 'department' as const, department: 'hospital' as const };

    for (const recovery of ['retry', 'reconcile'] as const) {
      const { id, token } = await completedApplication(server.url);
      const rated = await rate(server.url, token, id, { stage: 'completed', level: 'dissatisfied' });
      const cases = await api(server.url, 'GET', '/api/v1/dept/ratings/cases', {
        token: await deptToken(server.url, 'hospital'),
      });
      const caseId = cases.body.cases.find((c: { ratingId: string }) => c.ratingId === rated.body.id).caseId as string;
      await caseEvent(server.url, 'hospital', caseId, {
        eventId: `cb-${recovery}-${caseId.slice(3, 12)}`,
        type: 'call_back',
        reached: true,
        note: '已回访',
      });
      await caseEvent(server.url, 'hospital', caseId, {
        eventId: `rf-${recovery}-${caseId.slice(3, 12)}`,
        type: 'rectify',
        measures: '已整改',
      });
      const feedback = { eventId: `fb-${recovery}-${caseId.slice(3, 12)}`, type: 'feedback', message: '已整改完毕，感谢监督。' };
      const died: string[] = [];
      await expect(crashing(died).applyCaseEvent(principal, caseId, feedback)).rejects.toThrow('writer died');
      expect(died).toHaveLength(1);

      // The claim is the truth: whoever reads next sees the feedback.
      const view = await api(server.url, 'GET', `/api/v1/applications/${id}/ratings`, { token });
      expect(view.body.stages[1]).toMatchObject({ canFollowUp: true, cases: [{ status: 'feedback_given' }] });
      expect((await server.components.applicationsRepo.findById(id))!.outbox.map((e) => e.template)).not.toContain(
        'rating_feedback',
      );

      if (recovery === 'retry') {
        const again = await caseEvent(server.url, 'hospital', caseId, feedback);
        expect(again.status).toBe(200);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
      } else {
        // Nobody retries: half a minute on, the upkeep finds the case's notice still pending.
        await server.connection
          .collection('rating_cases')
          .updateOne({ _id: caseId as never }, { $set: { updatedAt: new Date(Date.now() - 60_000) } });
        expect((await server.components.ratings.reconcile()).cases).toBeGreaterThanOrEqual(1);
      }
      await drain(server);
      expect((await noticesOf(server, id)).filter((n) => n.template === 'rating_feedback')).toHaveLength(1);
      expect((await server.components.ratingsRepo.findCase(caseId))!.noticesPending).toBe(false);
    }
  });

  test('When the OpenAPI document is fetched, then every rating endpoint, body and enum is in it', async () => {
    const res = await api(server.url, 'GET', '/api/v1/openapi.json');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/applications/{id}/ratings',
        '/api/v1/dept/ratings',
        '/api/v1/dept/ratings/cases',
        '/api/v1/dept/ratings/cases/{caseId}',
        '/api/v1/dept/ratings/cases/{caseId}/contact',
        '/api/v1/dept/ratings/cases/{caseId}/events',
        '/api/v1/admin/ratings/cases',
        '/api/v1/admin/ratings/cases/{caseId}/appeal-decision',
        '/api/v1/admin/ratings/stats',
      ]),
    );
    const schemas = res.body.components.schemas;
    const input = JSON.stringify(schemas.RatingInput);
    for (const word of ['very_dissatisfied', 'follow_up', 'callbackPhone', 'comment', '"maxLength":500'])
      expect(input).toContain(word);
    expect(schemas.RatingLevel['x-tags-by-level'].dissatisfied).toContainEqual({
      code: 'slow',
      label: '办事效率低，超过承诺时限',
    });
    expect(JSON.stringify(schemas.RatingCaseEvent)).toContain('call_back');
    expect(schemas.RatingCaseStatus.enum).toContain('appeal_upheld');
    expect(JSON.stringify(schemas.AppealDecisionInput)).toContain('uphold');
  });
});

test('When case deadlines count working days (RATING_CASE_DAY_UNIT=working), then a Friday bad rating is due Monday and 15 working days on', async () => {
  const friday = new Date('2026-11-20T02:00:00Z'); // 10:00 China time
  const working = await startTestServer({ RATING_CASE_DAY_UNIT: 'working' }, { now: () => friday });
  try {
    const { id, token } = await acceptedApplication(working.url);
    const rated = await rate(working.url, token, id, { stage: 'accepted', level: 'dissatisfied' });
    expect(rated.status).toBe(201);
    const cases = await api(working.url, 'GET', '/api/v1/dept/ratings/cases', {
      token: await deptToken(working.url, 'hospital'),
    });
    expect(cases.body.cases[0]).toMatchObject({
      openedAt: '2026-11-20T02:00:00.000Z',
      callbackDueAt: '2026-11-23T15:59:59.999Z', // end of Monday, China time
      feedbackDueAt: '2026-12-11T15:59:59.999Z', // the 15th working day after
    });
  } finally {
    await working.close();
  }
});
