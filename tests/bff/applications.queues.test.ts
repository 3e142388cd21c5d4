// The look-up collections beside the applications: the relay's due-queue, the departments' work queues and
// the archive. Marks are written before the change they announce and removed only by a reader that finds
// nothing left and the mark older than the margin; finished applications leave the live collection.
import { randomUUID } from 'node:crypto';
import { createWorkingCalendar } from '@birth/shared';
import { QUEUE_MARK_MARGIN_MS } from '../../bff/src/components/applications/applications.repository';
import { departmentToken, loginParent, submittedApplication, validApplication } from '../support/fixtures';
import { api, startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(60_000);

let server: TestServer;
let clock = new Date();
beforeAll(async () => {
  server = await startTestServer(
    { RELAY_ENABLED: 'false', ARCHIVE_AFTER_DAYS: '30', ARCHIVE_INTERVAL_MINUTES: '0' },
    { now: () => clock, calendar: createWorkingCalendar() },
  );
});
afterAll(() => server.close());
beforeEach(() => {
  clock = new Date();
});

const collection = (name: string) => server.connection.collection(name);
const mark = (name: string, id: string) => collection(name).findOne({ _id: id as never });
/** Makes a mark look as if written before the margin (the writer long done). */
const age = (name: string, id: string) =>
  collection(name).updateOne({ _id: id as never }, { $set: { markedAt: new Date(Date.now() - QUEUE_MARK_MARGIN_MS - 1000) } });

async function event(token: string, taskId: string, body: Record<string, unknown>) {
  const res = await api(server.url, 'POST', `/api/v1/dept/tasks/${taskId}/events`, {
    token,
    body: { eventId: `q-${randomUUID()}`, ...body },
  });
  expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
}

/** An application of the birth certificate alone, taken by the hospital to delivered. */
async function finishedApplication() {
  const input = validApplication({ items: ['birth_certificate'] });
  input.delivery = { birth_certificate: input.delivery.birth_certificate } as typeof input.delivery;
  const app = await submittedApplication(server.url, input);
  const hospital = await departmentToken(server.url, 'hospital');
  const task = `${app.id}.birth_certificate`;
  await event(hospital, task, { type: 'accept' });
  await event(hospital, task, { type: 'complete', outputs: { certificateNumber: 'Q330099999' } });
  await event(hospital, task, { type: 'ship', carrier: 'EMS', trackingNumber: 'EMS0000000001' });
  await event(hospital, task, { type: 'deliver' });
  return { ...app, hospital };
}

test('when an application is submitted, then the relay finds it in the due-queue, and the mark goes only once old enough with nothing pending', async () => {
  const { id } = await submittedApplication(server.url);
  expect(await mark('outbox_due', id)).toMatchObject({ dueAt: expect.any(Date) });
  const relay = server.components.relay;
  expect((await relay.runOnce()).delivered).toBeGreaterThan(0);
  // Fresh: its writer may still be between marking and changing, so it stays, to be looked at after the margin.
  const fresh = await mark('outbox_due', id);
  expect(fresh!.dueAt.getTime()).toBe(fresh!.markedAt.getTime() + QUEUE_MARK_MARGIN_MS);
  expect(await server.components.applicationsRepo.findOutboxDue(new Date(), 1000)).not.toContain(id);

  await age('outbox_due', id);
  await collection('outbox_due').updateOne({ _id: id as never }, { $set: { dueAt: new Date(clock.getTime() - 1000) } }); // due by the relay's (frozen) clock
  await relay.runOnce();
  expect(await mark('outbox_due', id)).toBeNull();
});

test('when an old mark has a notice pending, then the relay delivers it first and drops the mark in the same round', async () => {
  const { id } = await submittedApplication(server.url);
  await age('outbox_due', id);
  await server.components.relay.runOnce();
  const app = await server.components.applicationsRepo.findById(id);
  expect(app!.outbox.every((e) => e.state === 'done')).toBe(true);
  // Settled after the delivery: nothing pending any more and the mark old, so it goes.
  expect(await mark('outbox_due', id)).toBeNull();
});

test('when a department finishes its items, then its queue stops listing the application and drops the mark once old enough', async () => {
  const { id, hospital } = await finishedApplication();
  expect(await mark('task_queue_hospital', id)).not.toBeNull();
  const list = await api(server.url, 'GET', '/api/v1/dept/tasks?limit=200', { token: hospital });
  expect(list.body.tasks.map((t: { applicationId: string }) => t.applicationId)).not.toContain(id);
  expect(await mark('task_queue_hospital', id)).not.toBeNull(); // too fresh to drop
  await age('task_queue_hospital', id);
  await api(server.url, 'GET', '/api/v1/dept/tasks?limit=200', { token: hospital });
  expect(await mark('task_queue_hospital', id)).toBeNull();
});

test('when birth is completed, then the police queue gets the application for household registration', async () => {
  const { id } = await submittedApplication(server.url);
  expect(await mark('task_queue_police', id)).toBeNull(); // household registration is still waiting
  const hospital = await departmentToken(server.url, 'hospital');
  await event(hospital, `${id}.birth_certificate`, { type: 'accept' });
  await event(hospital, `${id}.birth_certificate`, { type: 'complete', outputs: { certificateNumber: 'Q330088888' } });
  expect(await mark('task_queue_police', id)).not.toBeNull();
  const police = await departmentToken(server.url, 'police');
  const list = await api(server.url, 'GET', '/api/v1/dept/tasks?status=dispatched&limit=200', { token: police });
  expect(list.body.tasks).toEqual(expect.arrayContaining([expect.objectContaining({ taskId: `${id}.hukou_registration` })]));
});

test('when a finished application is past the archive period, then it leaves the live collection and its owner still reads it', async () => {
  const { id, token, hospital } = await finishedApplication();
  clock = new Date(Date.now() + 31 * 86400_000);
  expect(await server.components.sweeper.sweepOnce()).toMatchObject({ archived: 0 }); // notices still pending: stays
  clock = new Date();
  while ((await server.components.relay.runOnce()).delivered) {
    // deliver every notice first
  }
  expect(await server.components.sweeper.sweepOnce()).toMatchObject({ archived: 0 }); // finished today: stays
  clock = new Date(Date.now() + 31 * 86400_000);
  const result = await server.components.sweeper.sweepOnce();
  expect(result.archived).toBeGreaterThanOrEqual(1);
  expect(await collection('applications').findOne({ _id: id as never })).toBeNull();
  expect(await collection('applications_archive').findOne({ _id: id as never })).toMatchObject({ status: 'completed' });

  const progress = await api(server.url, 'GET', `/api/v1/applications/${id}/progress`, { token });
  expect(progress.status).toBe(200);
  expect(progress.body.items[0].state).toBe('delivered');
  const mine = await api(server.url, 'GET', '/api/v1/applications', { token });
  expect(mine.body.applications.map((a: { id: string }) => a.id)).toContain(id);
  const stranger = await api(server.url, 'GET', `/api/v1/applications/${id}/progress`, { token: await loginParent(server.url) });
  expect(stranger.status).toBe(404);
  // No hot path reads the archive: the department sees no task any more.
  expect((await api(server.url, 'GET', `/api/v1/dept/tasks/${id}.birth_certificate`, { token: hospital })).status).toBe(404);
});
