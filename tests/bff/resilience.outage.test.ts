// Crash and outage under the whole load at once: parents submitting and a hospital's system accepting and
// completing the items it receives, every client retrying as it would in the field (the same
// Idempotency-Key, the same eventId). The BFF is killed with SIGKILL mid-load and restarted; in the other
// test the database is killed for 10 s while the BFF keeps running. Afterwards nothing acknowledged is
// lost, nothing is doubled, and the outbox relay has delivered every notice. The helpers are shared with
// crash.recovery.test.ts (tests/support/processes.ts); this file adds the department events and the relay.
import { createHash } from 'node:crypto';
import type { ApplicationDoc } from '../../bff/src/components/applications/application.model';
import {
  call,
  checkWhole,
  journey,
  newClient,
  ownBffStack,
  untilAnswered,
  type Answer,
  type Client,
  type OwnBffStack,
  type Seen,
} from '../support/processes';

const TIMEOUT = 600_000; // processes on a loaded 2-core machine: generous; the test waits on answers, never on time
/** How long the database stays down: the length of the outage, not a wait for anything. */
const OUTAGE_MS = 10_000;

let stack: OwnBffStack;

beforeAll(async () => {
  stack = await ownBffStack('outage');
}, TIMEOUT);

afterAll(async () => {
  await stack?.dispose();
}, TIMEOUT);

const base = () => stack.bff.url;

/** A certificate number derived from the task, so a retried complete carries the same event. */
const certificateNumber = (taskId: string) =>
  `R33${(parseInt(createHash('sha256').update(taskId).digest('hex').slice(0, 8), 16) % 1e7).toString().padStart(7, '0')}`;

/**
 * The hospital's system: lists the birth certificates dispatched to it, accepts and completes each with
 * eventIds derived from the task (so a retry after a lost answer is the same event), retrying as the
 * parents' phones do. Runs until `done()` and nothing is left to do. Several run at once, racing.
 */
async function hospital(seen: Seen, acknowledged: (type: string) => void, done: () => boolean): Promise<void> {
  const login = () =>
    untilAnswered(seen, () =>
      call(base(), 'POST', '/api/v1/dept/auth/token', undefined, {
        clientId: 'dev-hospital',
        clientSecret: 'dev-hospital-secret',
      }),
    );
  let token = (await login()).body.accessToken as string;
  for (;;) {
    let worked = false;
    for (const [state, type] of [
      ['dispatched', 'accept'],
      ['accepted', 'complete'],
    ] as const) {
      // Every page: tasks of earlier tests (vaccination certificates, dispatched when a birth certificate is completed) come first.
      const tasks: { taskId: string; itemKey: string }[] = [];
      let cursor = '';
      for (;;) {
        const page = await untilAnswered(
          seen,
          () =>
            call(
              base(),
              'GET',
              `/api/v1/dept/tasks?status=${state}&limit=200${cursor && `&cursor=${encodeURIComponent(cursor)}`}`,
              token,
            ),
          'list',
        );
        if (page.status === 401) {
          token = (await login()).body.accessToken;
          continue;
        }
        expect(page.status).toBe(200);
        tasks.push(...page.body.tasks);
        if (!page.body.nextCursor) break;
        cursor = page.body.nextCursor;
      }
      for (const task of tasks) {
        if (task.itemKey !== 'birth_certificate') continue;
        worked = true;
        const event =
          type === 'accept'
            ? { eventId: `acc-${task.taskId}`, type }
            : { eventId: `done-${task.taskId}`, type, outputs: { certificateNumber: certificateNumber(task.taskId) } };
        const res = await untilAnswered(
          seen,
          () => call(base(), 'POST', `/api/v1/dept/tasks/${encodeURIComponent(task.taskId)}/events`, token, event),
          type,
        );
        // 200: applied or replayed; 409: another worker moved the item on first (both are fine).
        expect([200, 409]).toContain(res.status);
        if (res.status === 200) acknowledged(type);
      }
    }
    if (!worked && done()) return;
    if (!worked) await new Promise((r) => setTimeout(r, 100));
  }
}

/** The load: parents' journeys and two hospital workers; `trigger` runs once enough was acknowledged. */
function load(clients: Client[], seen: Seen, trigger: { submits: number; events: number; fire: () => void }) {
  let submits = 0;
  let events = 0;
  let fired = false;
  const check = () => {
    if (!fired && submits >= trigger.submits && events >= trigger.events) {
      fired = true;
      trigger.fire();
    }
  };
  let journeysDone = false;
  const journeys = Promise.all(
    clients.map((c) =>
      journey(base, c, seen, () => {
        submits++;
        check();
      }),
    ),
  ).then(() => (journeysDone = true));
  const onEvent = () => {
    events++;
    check();
  };
  const workers = Promise.all([hospital(seen, onEvent, () => journeysDone), hospital(seen, onEvent, () => journeysDone)]);
  return Promise.all([journeys, workers]);
}

/** Every application has its birth certificate accepted and completed exactly once, and every notice delivered. */
async function checkDepartmentsAndRelay(clients: Client[], recoveredAt: Date) {
  for (const client of clients) {
    const doc = (await stack.repo.findById(client.id!)) as ApplicationDoc;
    expect({ id: doc._id, state: doc.items.birth_certificate?.state }).toEqual({ id: doc._id, state: 'completed' });
    const events = doc.timeline.filter((t) => t.itemKey === 'birth_certificate' && t.actor === 'department').map((t) => t.event);
    expect({ id: doc._id, events }).toEqual({ id: doc._id, events: ['accept', 'complete'] });
    const ids = doc.eventLog.map((e) => `${e.itemKey}|${e.id}`);
    expect(new Set(ids).size).toBe(ids.length);
    // Completing the birth certificate dispatched the items that waited for it.
    expect(doc.items.hukou_registration?.state).toBe('dispatched');
  }
  // The relay delivers every notice: no entry left pending (it keeps running in the BFF), none dead. Rating
  // reminders are due hours later (never tried yet): not due in this test.
  const ids = clients.map((c) => c.id!);
  const later = (o: ApplicationDoc['outbox'][number]) =>
    o.state === 'pending' && o.attempts === 0 && new Date(o.nextAt).getTime() - new Date(o.createdAt).getTime() > 600_000;
  const deadline = Date.now() + 300_000;
  let pending: string[] = [];
  do {
    if (pending.length) await new Promise((r) => setTimeout(r, 250));
    const docs = await stack.connection
      .collection<ApplicationDoc>('applications')
      .find({ _id: { $in: ids } })
      .toArray();
    pending = docs.flatMap((d) =>
      d.outbox.filter((o) => o.state !== 'done' && !later(o)).map((o) => `${d._id}:${o.template}:${o.state}`),
    );
  } while (pending.length && Date.now() < deadline);
  expect(pending).toEqual([]);
  // Each delivered notice is in the parent's notices exactly once (its _id is the delivery key).
  const docs = await stack.connection
    .collection<ApplicationDoc>('applications')
    .find({ _id: { $in: ids } })
    .toArray();
  const keys = docs.flatMap((d) => d.outbox.filter((o) => o.state === 'done').map((o) => o.id));
  expect(keys.length).toBeGreaterThanOrEqual(clients.length * 3); // submitted, accepted, completed at least
  const delivered = await stack.connection.collection('notifications').countDocuments({ _id: { $in: keys } } as never);
  expect(delivered).toBe(keys.length);
  // The relay worked after the recovery (it was not only done before the fault).
  const afterwards = docs.flatMap((d) => d.outbox.filter((o) => o.doneAt && new Date(o.doneAt) >= recoveredAt));
  expect(afterwards.length).toBeGreaterThan(0);
}

test(
  'when the BFF is killed with SIGKILL during concurrent submits and department events and restarted, then nothing is lost and nothing doubled',
  async () => {
    const clients = Array.from({ length: 30 }, newClient);
    const seen: Seen = { statuses: [] };
    let killed!: () => void;
    const killWhen = new Promise<void>((r) => (killed = r));
    const running = load(clients, seen, { submits: 8, events: 4, fire: () => killed() });
    await killWhen;
    await stack.bff.kill();
    await stack.bff.start();
    const recoveredAt = new Date();
    await running;

    expect(seen.statuses).toContain(0); // the kill did cut requests
    expect(seen.statuses.filter((s) => s === 500)).toEqual([]);
    await checkWhole(stack.connection, stack.repo, clients);
    await checkDepartmentsAndRelay(clients, recoveredAt);
  },
  TIMEOUT,
);

test(
  'when the database is down for 10 s under load, then the BFF answers only 503 with Retry-After, recovers without a restart, and the relay delivers everything',
  async () => {
    const pid = stack.bff.pid;
    const clients = Array.from({ length: 30 }, newClient);
    const seen: Seen = { statuses: [], answers: [] };
    let stopNow!: () => void;
    const stopWhen = new Promise<void>((r) => (stopNow = r));
    const running = load(clients, seen, { submits: 5, events: 2, fire: () => stopNow() });
    await stopWhen;

    // Meanwhile a signed-in parent keeps asking, as the app would.
    const parent = await untilAnswered(seen, () =>
      call(base(), 'POST', '/api/v1/auth/login', undefined, { platform: 'dev', code: 'outage-prober' }),
    );
    await stack.db.kill();
    const during: (Answer & { what: string })[] = [];
    let up = false;
    const probing = (async () => {
      while (!up) {
        // At once, as several phones would: each waits up to the driver's server selection time for its 503.
        const probes = await Promise.all([
          call(base(), 'POST', '/api/v1/auth/login', undefined, { platform: 'dev', code: 'outage-prober' }),
          call(base(), 'GET', '/readyz'),
          call(base(), 'GET', '/api/v1/applications', parent.body?.accessToken),
          call(base(), 'GET', '/api/v1/notifications', parent.body?.accessToken),
        ]);
        probes.forEach((answer, i) => during.push({ ...answer, what: ['login', 'readyz', 'applications', 'notifications'][i] }));
      }
    })();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await stack.db.restart();
    const recoveredAt = new Date();
    // Back without restarting the BFF: the same process reports ready again by itself.
    let ready: Answer;
    do ready = await call(base(), 'GET', '/readyz');
    while (ready.status !== 200);
    up = true;
    await probing;
    await running;

    expect(stack.bff.pid).toBe(pid);
    const answers = [...seen.answers!, ...during];
    // No hang and no cut connection (status 0: no answer within the client's 30 s), no 500.
    const wrong = answers
      .filter((a) => a.status === 0 || (a.status >= 500 && (a.status !== 503 || !a.retryAfter)))
      .map((a) => `${a.what} → ${a.status} ${JSON.stringify(a.body ?? '').slice(0, 120)}`);
    expect(wrong).toEqual([]);
    // The outage was real: the probes saw it, as problem+json with Retry-After.
    const unavailable = during.filter((a) => a.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const a of unavailable.filter((x) => x.what !== 'readyz'))
      expect(a.body).toMatchObject({
        status: 503,
        code: 'DEPENDENCY_UNAVAILABLE',
        detail: expect.stringMatching(/[\u4e00-\u9fff]/),
      });
    expect(unavailable.every((a) => Number(a.retryAfter) > 0)).toBe(true);
    // The login limit is counted in the database: without it, a login is a 503 too, not a 500 and not let through.
    expect(during.filter((a) => a.what === 'login').map((a) => a.status)).toContain(503);

    await checkWhole(stack.connection, stack.repo, clients);
    await checkDepartmentsAndRelay(clients, recoveredAt);
  },
  TIMEOUT,
);
