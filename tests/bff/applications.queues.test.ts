// The look-up collections beside the applications: the relay's due-queue, the departments' work queues and
// the archive. Marks are written before the change they announce and removed only by a reader that finds
// nothing left and the mark older than the margin; finished applications leave the live collection.
import { randomUUID } from 'node:crypto';
import { createWorkingCalendar } from '@birth/shared';
import { QUEUE_MARK_MARGIN_MS, outboxDueKey, taskQueueKey } from '../../bff/src/components/applications/applications.repository';
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
/** The application's mark (marks are keyed `<q|d>:<time>|<applicationId>`); a scan, fine in a test. */
const mark = (name: string, id: string) =>
  collection(name).findOne({ _id: { $regex: `\\|${id}$` } as never }) as Promise<{
    _id: string;
    dueAt: Date;
    markedAt: Date;
  } | null>;
/** Makes a mark look as if written before the margin (the writer long done). */
const age = async (name: string, id: string) =>
  collection(name).updateOne(
    { _id: (await mark(name, id))!._id as never },
    {
      $set: { markedAt: new Date(Date.now() - QUEUE_MARK_MARGIN_MS - 1000) },
    },
  );

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

  // Old, and due by the relay's (frozen) clock: the key is the due time, so the mark moves to another key.
  const old = (await mark('outbox_due', id))!;
  const dueAt = new Date(clock.getTime() - 1000);
  await collection('outbox_due').insertOne({
    _id: outboxDueKey(dueAt, id) as never,
    dueAt,
    markedAt: new Date(Date.now() - QUEUE_MARK_MARGIN_MS - 1000),
  });
  await collection('outbox_due').deleteOne({ _id: old._id as never });
  expect(await server.components.applicationsRepo.findOutboxDue(clock, 1000)).toContain(id);
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
  while ((await server.components.relay.runOnce()).delivered) {
    // the rating reminders, due 3 days after the invitations, go out (or are dropped) first
  }
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

type Sent = { collection: string; method: string; filter: Record<string, unknown>; options: Record<string, unknown> };
/** Records the queries the server sends while `run` runs (mongoose's debug hook). */
async function recording(run: () => Promise<void>): Promise<Sent[]> {
  const sent: Sent[] = [];
  server.connection.set('debug', (collection: string, method: string, ...args: unknown[]) => {
    const options = (args.find((a, i) => i > 0 && a && typeof a === 'object' && 'limit' in (a as object)) ?? {}) as Record<
      string,
      unknown
    >;
    sent.push({ collection, method, filter: (args[0] ?? {}) as Record<string, unknown>, options });
  });
  try {
    await run();
  } finally {
    server.connection.set('debug', false);
  }
  return sent;
}

test('when many marks lie between two applications, then the queue pages through them by _id ranges of a page each, in submission order', async () => {
  const hospital = await departmentToken(server.url, 'hospital');
  const apps = [];
  for (let i = 0; i < 3; i++) apps.push(await submittedApplication(server.url));
  const rows = await Promise.all(apps.map(({ id }) => server.components.applicationsRepo.findById(id)));
  // Same submission time (the frozen clock): the queue orders by id then.
  const [a, b, c] = rows.map((d) => d!).sort((x, y) => (x._id < y._id ? -1 : 1));
  expect(a.submittedAt!.getTime()).toBe(c.submittedAt!.getTime());
  // 40 fresh marks right after A whose applications do not exist (a writer between mark and commit): skipped, kept.
  const strays = Array.from({ length: 40 }, (_, n) => `${a._id}-s${String(n).padStart(2, '0')}`);
  await collection('task_queue_hospital').insertMany(
    strays.map((id) => ({ _id: taskQueueKey(a.submittedAt!, id) as never, submittedAt: a.submittedAt, markedAt: new Date() })),
  );
  const cursor = Buffer.from(JSON.stringify([new Date(a.submittedAt!.getTime() - 1).toISOString(), ''])).toString('base64url');
  let page: { status: number; body: { tasks: { applicationId: string }[]; nextCursor?: string } } | undefined;
  const sent = await recording(async () => {
    page = await api(server.url, 'GET', `/api/v1/dept/tasks?limit=2&cursor=${cursor}`, { token: hospital });
  });
  expect(page!.status).toBe(200);
  expect([...new Set(page!.body.tasks.map((t) => t.applicationId))]).toEqual([a._id, b._id]);
  const next = await api(server.url, 'GET', `/api/v1/dept/tasks?limit=2&cursor=${page!.body.nextCursor}`, { token: hospital });
  expect(next.body.tasks.map((t: { applicationId: string }) => t.applicationId)[0]).toBe(c._id);

  // Every read of the queue was an _id range with a limit of about a page: none read the whole queue.
  const queueReads = sent.filter((q) => q.collection === 'task_queue_hospital' && q.method === 'find');
  expect(queueReads.length).toBeGreaterThanOrEqual(4); // 40 strays, a page (+10) at a time
  for (const q of queueReads) {
    expect(Object.keys(q.filter)).toEqual(['_id']);
    expect(Object.keys(q.filter._id as object).sort()).toEqual([expect.stringMatching(/^\$gte?$/), '$lt']);
    expect(q.options.limit).toBeLessThanOrEqual(12);
  }
  // Applications were read only for the marks the page went through (the strays look-ups find nothing).
  const looked = sent.filter((q) => q.collection === 'applications').map((q) => q.filter._id);
  expect(looked).not.toContain(c._id);
  for (const id of strays) expect(await mark('task_queue_hospital', id)).not.toBeNull(); // fresh: kept
});

test('when marks were written under the old keys (the application id), then the sweeper re-keys them and the queues find them again', async () => {
  const { id } = await submittedApplication(server.url);
  const queued = (await mark('task_queue_hospital', id))!;
  const due = (await mark('outbox_due', id))!;
  // As an earlier version wrote them.
  await collection('task_queue_hospital').deleteOne({ _id: queued._id as never });
  await collection('task_queue_hospital').insertOne({ _id: id as never, submittedAt: clock, markedAt: clock });
  await collection('outbox_due').deleteOne({ _id: due._id as never });
  await collection('outbox_due').insertOne({ _id: id as never, dueAt: due.dueAt, markedAt: clock });

  expect(await server.components.applicationsRepo.remarkOutboxDue()).toBeGreaterThanOrEqual(2);
  expect(await collection('task_queue_hospital').findOne({ _id: id as never })).toBeNull();
  expect(await collection('outbox_due').findOne({ _id: id as never })).toBeNull();
  expect(await mark('task_queue_hospital', id)).toMatchObject({ _id: queued._id });
  expect(await server.components.applicationsRepo.findOutboxDue(clock, 1000)).toContain(id);
  const hospital = await departmentToken(server.url, 'hospital');
  const cursor = Buffer.from(JSON.stringify([new Date(clock.getTime() - 1).toISOString(), ''])).toString('base64url');
  const page = await api(server.url, 'GET', `/api/v1/dept/tasks?limit=200&cursor=${cursor}`, { token: hospital });
  expect(page.body.tasks.map((t: { applicationId: string }) => t.applicationId)).toContain(id);
});
