// The hot paths must not scan what grows. Deterministic: records every query the hot paths send, then
// asks the database for the plan of each. No timings. (FerretDB on SQLite serves `_id` equality and `_id` sets
// from its index only with our build patches, scripts/patches/ferretdb-sqlite-id-index.patch and -id-set.patch.)
import { randomUUID } from 'node:crypto';
import { createOutboxRelay } from '../../bff/src/components/notifications';
import { departmentToken, submittedApplication } from '../support/fixtures';
import { api, startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

type Sent = { collection: string; method: string; filter: Record<string, unknown>; options: Record<string, unknown> };

/**
 * Collections a hot path may read without an `_id`: each holds only what is in flight (relay lease takeovers),
 * and the request-limit counters (`rate_limits`, libraries/quota.ts), which hold the current windows' slots only
 * (ended windows are swept).
 */
const SMALL_QUEUES = /^(outbox_lease_takeovers|rate_limits)$/;
/** The queues read as `_id` ranges in key order (a page or a relay round at a time). */
const RANGE_QUEUES = /^(outbox_due|task_queue_\w+)$/;
const isRange = (filter: Record<string, unknown>) =>
  Object.keys(filter).length === 1 &&
  !!filter._id &&
  typeof filter._id === 'object' &&
  Object.keys(filter._id).some((op) => op === '$gt' || op === '$gte');
/** `{_id: {$in: [...]}}` (with or without other conditions): a page's documents in one read. */
const isSet = (filter: Record<string, unknown>) =>
  !!filter._id && typeof filter._id === 'object' && Object.keys(filter._id).join() === '$in';
/** Methods whose first argument is a filter. */
const FILTERED = new Set(['find', 'findOne', 'updateOne', 'updateMany', 'deleteOne', 'deleteMany', 'countDocuments']);

let server: TestServer;
let sent: Sent[] = [];

beforeAll(async () => {
  server = await startTestServer({ RELAY_ENABLED: 'false' });
  server.connection.set('debug', (collection: string, method: string, ...args: unknown[]) => {
    const options = (args.find((a, i) => i > 0 && a && typeof a === 'object' && 'limit' in (a as object)) ?? {}) as Record<
      string,
      unknown
    >;
    if (FILTERED.has(method)) sent.push({ collection, method, filter: (args[0] ?? {}) as Record<string, unknown>, options });
  });
});
afterAll(() => server.close());

async function explain(collection: string, filter: Record<string, unknown>, options: Record<string, unknown> = {}) {
  const db = server.connection.getClient().db(server.connection.name);
  const { sort, limit } = options;
  return db.command({ explain: { find: collection, filter, ...(sort ? { sort } : {}), ...(limit ? { limit } : {}) } });
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
  const scans = sent.filter(
    (q) =>
      typeof q.filter._id !== 'string' &&
      !isSet(q.filter) &&
      !SMALL_QUEUES.test(q.collection) &&
      !(RANGE_QUEUES.test(q.collection) && q.method === 'find' && isRange(q.filter) && Number(q.options.limit) > 0),
  );
  expect(scans).toEqual([]);
  expect(sent.filter((q) => q.collection === 'applications').length).toBeGreaterThan(0);
});

test('when the database plans those _id look-ups, with or without other conditions, then it searches the _id index', async () => {
  await hotPaths();
  const shapes = new Map<string, Sent>();
  for (const q of sent) {
    if (typeof q.filter._id !== 'string' && !isSet(q.filter)) continue;
    shapes.set(`${q.collection}:${isSet(q.filter) ? '$in:' : ''}${Object.keys(q.filter).sort().join(',')}`, q);
  }
  // The applications collection is read by _id alone and written by _id + version (+ a state condition).
  expect([...shapes.keys()].some((k) => k.startsWith('applications:') && k.includes('version'))).toBe(true);
  // The department queue page reads its applications, their next claims, photos and licences as `_id` sets
  // (scripts/patches/ferretdb-sqlite-id-set.patch): one read each, whatever the page size.
  for (const collection of ['applications', 'application_changes', 'attachments', 'licence_choices'])
    expect(shapes.has(`${collection}:$in:_id`)).toBe(true);
  process.stdout.write(`plans checked: ${[...shapes.keys()].join(' ')}\n`);
  for (const [shape, q] of shapes) {
    const res = await explain(q.collection, q.filter);
    const plan = JSON.stringify(res.queryPlanner);
    // FerretDB/SQLite: "SEARCH <table> USING INDEX <table>__id_ (<expr>=?)" (for a set, once per value);
    // MongoDB: an IDHACK or IXSCAN stage.
    expect({ shape, indexed: /USING INDEX|IDHACK|IXSCAN|EXPRESS_IXSCAN/.test(plan) }).toEqual({ shape, indexed: true });
    expect({ shape, plan }).toEqual({ shape, plan: expect.not.stringMatching(/\bSCAN\b|COLLSCAN/) });
    if ('filterPushdown' in res) expect({ shape, pushdown: res.filterPushdown }).toEqual({ shape, pushdown: true });
  }
});

test('when the department queue and the relay read their queues, then each read is an _id range the database answers from the _id index, limit applied there', async () => {
  await hotPaths();
  const ranges = sent.filter((q) => RANGE_QUEUES.test(q.collection) && q.method === 'find');
  // The page of the department queue and the relay's round: both ranges, nothing else.
  expect(new Set(ranges.map((q) => q.collection))).toEqual(new Set(['task_queue_hospital', 'outbox_due']));
  for (const q of ranges) {
    expect({ collection: q.collection, range: isRange(q.filter), limit: Number(q.options.limit) > 0 }).toEqual({
      collection: q.collection,
      range: true,
      limit: true,
    });
    const res = await explain(q.collection, q.filter, q.options);
    const plan = JSON.stringify(res.queryPlanner);
    process.stdout.write(`${q.collection} ${JSON.stringify(q.filter)} limit ${String(q.options.limit)}: ${plan}\n`);
    // FerretDB/SQLite: "SEARCH <table> USING INDEX <table>__id_ (<expr>>? AND <expr><?)", in _id order, with
    // the limit pushed down (no sort step, no scan); MongoDB: an IXSCAN on _id.
    expect({ collection: q.collection, indexed: /USING INDEX \S+__id_ \(|IXSCAN/.test(plan) }).toEqual({
      collection: q.collection,
      indexed: true,
    });
    expect(plan).not.toMatch(/\bSCAN\b|TEMP B-TREE|COLLSCAN/);
    if ('limitPushdown' in res)
      expect({ collection: q.collection, limitPushdown: res.limitPushdown }).toEqual({
        collection: q.collection,
        limitPushdown: true,
      });
  }
});
