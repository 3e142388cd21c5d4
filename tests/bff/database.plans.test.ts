// The hot paths must not scan what grows. Deterministic: records every query the hot paths send, then
// asks the database for the plan of each. No timings. (FerretDB on SQLite serves `_id` equality from its
// index only with our build patch, scripts/patches/ferretdb-sqlite-id-index.patch.)
import { randomUUID } from 'node:crypto';
import { createOutboxRelay } from '../../bff/src/components/notifications';
import { departmentToken, submittedApplication } from '../support/fixtures';
import { api, startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

type Sent = { collection: string; method: string; filter: Record<string, unknown> };

/**
 * Collections a hot path may read without an `_id`: each holds only what is in flight (queue marks, takeovers),
 * and the request-limit counters (`rate_limits`, libraries/quota.ts), which hold the current windows' requests
 * only (ended windows are swept). Their `_id`-prefix count is a scan on FerretDB: the build patch serves `_id`
 * equality from the index, not ranges.
 */
const SMALL_QUEUES = /^(outbox_due|task_queue_\w+|outbox_lease_takeovers|rate_limits)$/;
/** Methods whose first argument is a filter. */
const FILTERED = new Set(['find', 'findOne', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'countDocuments']);

let server: TestServer;
let sent: Sent[] = [];

beforeAll(async () => {
  server = await startTestServer({ RELAY_ENABLED: 'false' });
  server.connection.set('debug', (collection: string, method: string, ...args: unknown[]) => {
    if (FILTERED.has(method)) sent.push({ collection, method, filter: (args[0] ?? {}) as Record<string, unknown> });
  });
});
afterAll(() => server.close());

async function explain(collection: string, filter: Record<string, unknown>) {
  const db = server.connection.getClient().db(server.connection.name);
  return db.command({ explain: { find: collection, filter } });
}

/** Runs every hot path once: progress, my applications, my notices, the department queue and an event, a relay round. */
async function hotPaths(): Promise<void> {
  const { token, id } = await submittedApplication(server.url);
  const hospital = await departmentToken(server.url, 'hospital');
  sent = [];
  const progress = await api(server.url, 'GET', `/api/v1/applications/${id}/progress`, { token });
  expect(progress.status).toBe(200);
  const mine = await api(server.url, 'GET', '/api/v1/applications', { token });
  expect(mine.status).toBe(200);
  const notices = await api(server.url, 'GET', '/api/v1/notifications', { token });
  expect(notices.status).toBe(200);
  const queue = await api(server.url, 'GET', '/api/v1/dept/tasks', { token: hospital });
  expect(queue.body.tasks.map((t: { applicationId: string }) => t.applicationId)).toContain(id);
  const taskId = `${id}.birth_certificate`;
  const accepted = await api(server.url, 'POST', `/api/v1/dept/tasks/${taskId}/events`, {
    token: hospital,
    body: { eventId: `plan-${randomUUID()}`, type: 'accept' },
  });
  expect(accepted.status).toBe(200);
  const relay = createOutboxRelay({
    connection: server.connection,
    applications: server.components.applicationsRepo,
    deliver: async () => undefined,
    workerId: `plan-${randomUUID()}`,
  });
  expect((await relay.runOnce()).delivered).toBeGreaterThan(0);
}

test('when the hot paths run, then every query they send to a growing collection is an _id look-up', async () => {
  await hotPaths();
  expect(sent.length).toBeGreaterThan(0);
  const scans = sent.filter((q) => typeof q.filter._id !== 'string' && !SMALL_QUEUES.test(q.collection));
  expect(scans).toEqual([]);
  expect(sent.filter((q) => q.collection === 'applications').length).toBeGreaterThan(0);
});

test('when the database plans those _id look-ups, with or without other conditions, then it searches the _id index', async () => {
  await hotPaths();
  const shapes = new Map<string, Sent>();
  for (const q of sent) {
    if (typeof q.filter._id !== 'string') continue;
    shapes.set(`${q.collection}:${Object.keys(q.filter).sort().join(',')}`, q);
  }
  // The applications collection is read by _id alone and written by _id + version (+ a state condition).
  expect([...shapes.keys()].some((k) => k.startsWith('applications:') && k.includes('version'))).toBe(true);
  process.stdout.write(`plans checked: ${[...shapes.keys()].join(' ')}\n`);
  for (const [shape, q] of shapes) {
    const res = await explain(q.collection, q.filter);
    const plan = JSON.stringify(res.queryPlanner);
    // FerretDB/SQLite: "SEARCH <table> USING INDEX <table>__id_"; MongoDB: an IDHACK or IXSCAN stage.
    expect({ shape, indexed: /USING INDEX|IDHACK|IXSCAN|EXPRESS_IXSCAN/.test(plan) }).toEqual({ shape, indexed: true });
    if ('filterPushdown' in res) expect({ shape, pushdown: res.filterPushdown }).toEqual({ shape, pushdown: true });
  }
});
