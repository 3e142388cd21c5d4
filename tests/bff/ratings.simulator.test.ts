// The department simulator works bad-rating cases through the real department API: it reads the call-back
// number (audited, never logged), calls back, rectifies and feeds back, so the parent is told and can add a 追评.
import { runSimulator, type SimulatorHandle } from '../../scripts/department-simulator';
import { completedApplication, drain, noticesOf, rate } from '../support/ratings';
import { api, startTestServer, type TestServer } from '../support/test-server';
import { findPersonalData } from '../support/leaks';

jest.setTimeout(90_000);

let server: TestServer;
let handle: SimulatorHandle | undefined;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await handle?.stop();
  await server.close();
});

test('When a parent gives a bad rating, then the simulator calls back, rectifies and feeds back, and the parent may add a 追评', async () => {
  const { id, token } = await completedApplication(server.url);
  const rated = await rate(server.url, token, id, { stage: 'completed', level: 'dissatisfied', tags: ['slow'] });
  expect(rated.status).toBe(201);

  const lines: string[] = [];
  handle = runSimulator({
    baseUrl: server.url,
    pollMs: 20,
    minDelayMs: 5,
    maxDelayMs: 20,
    rejectRate: 0,
    log: (l) => lines.push(l),
  });
  const view = () => api(server.url, 'GET', `/api/v1/applications/${id}/ratings`, { token });
  const deadline = Date.now() + 30_000;
  let stage: any;
  while (Date.now() < deadline) {
    stage = (await view()).body.stages.find((s: { stage: string }) => s.stage === 'completed');
    // The simulator logs once the BFF has answered: wait for both, so stopping it cuts nothing short.
    if (stage.canFollowUp && lines.some((l) => l.includes('fed back'))) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await handle.stop();
  handle = undefined;

  expect(stage).toMatchObject({ canFollowUp: true, cases: [{ status: 'feedback_given', departmentName: '助产机构' }] });
  expect(stage.cases[0].feedback.message).toContain('办事效率低');
  expect(lines.filter((l) => l.includes('bad rating'))).toEqual([
    expect.stringContaining('医院 called back about a bad rating'),
    expect.stringContaining('医院 recorded rectification for a bad rating'),
    expect.stringContaining('医院 fed back to the parent on a bad rating'),
  ]);
  expect(findPersonalData(lines.join('\n'))).toEqual([]);
  const audit = await server.components.applicationsRepo.listAudit(id);
  expect(audit.filter((a) => a.action === 'rating.callback_contact')).toHaveLength(1);

  await drain(server);
  expect((await noticesOf(server, id)).map((n) => n.template)).toContain('rating_feedback');
  expect((await rate(server.url, token, id, { stage: 'follow_up', of: 'completed', level: 'basically_satisfied' })).status).toBe(
    201,
  );
});
