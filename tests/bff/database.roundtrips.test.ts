// How many commands each hot request sends to the database, counted by the driver's command monitoring on
// the real FerretDB (no timings). A department's queue page must cost the same number of reads whatever its
// size; progress is one read of the application (and, once a minute per parent, its request-limit unit).
import type { CommandStartedEvent } from 'mongodb';
import { departmentToken, submittedApplication } from '../support/fixtures';
import { api, startTestServer, testDatabaseUri, type TestServer } from '../support/test-server';

jest.setTimeout(180_000);

let server: TestServer;
let commands: { name: string; collection: string; projection?: unknown }[] = [];
let counting = false;

/** The run's database URI with the driver's command monitoring on (a URI option, so the BFF code is unchanged). */
const monitoredUri = () => {
  const uri = new URL(testDatabaseUri());
  uri.searchParams.set('monitorCommands', 'true');
  return uri.toString();
};

beforeAll(async () => {
  server = await startTestServer({ MONGODB_URI: monitoredUri(), RELAY_ENABLED: 'false' });
  server.connection.getClient().on('commandStarted', (e: CommandStartedEvent) => {
    if (!counting) return;
    const collection = String(e.command[e.commandName] ?? '');
    commands.push({ name: e.commandName, collection, projection: e.command.projection });
  });
});
afterAll(() => server.close());

/** The commands one request sends (the BFF answers after its last write, so nothing is still in flight). */
async function count(request: () => Promise<void>) {
  commands = [];
  counting = true;
  await request();
  counting = false;
  const reads = commands.filter((c) => c.name === 'find' || c.name === 'aggregate' || c.name === 'count');
  return { total: commands.length, reads: reads.length, list: commands.map((c) => `${c.name} ${c.collection}`) };
}

const applications: { token: string; id: string }[] = [];

test('when a parent reads progress, then the BFF reads the application once by _id', async () => {
  applications.push(await submittedApplication(server.url));
  const { token, id } = applications[0];
  const sent = await count(async () => {
    const res = await api(server.url, 'GET', `/api/v1/applications/${id}/progress`, { token });
    expect(res.status).toBe(200);
  });
  process.stdout.write(`progress: ${sent.total} commands: ${sent.list.join(', ')}\n`);
  expect(sent.list.filter((c) => c === 'find applications')).toHaveLength(1);
  // Without the outbox and the event log, which progress does not show (about half of a finished application).
  expect(commands.find((c) => c.name === 'find' && c.collection === 'applications')?.projection).toEqual({
    outbox: 0,
    eventLog: 0,
  });
  // The application, its next version claim, the request-limit slot (and the window's count when a new
  // minute began since the parent's last request).
  expect(sent.total).toBeLessThanOrEqual(4);
});

test('when a parent reads progress again within the minute, then the request limit costs no database command', async () => {
  const { token, id } = applications[0];
  const minute = () => Math.floor(Date.now() / 60_000);
  let checked = 0;
  let previous = -1; // the minute the request before began in
  for (let i = 0; i < 6; i++) {
    const before = minute();
    const sent = await count(async () => {
      expect((await api(server.url, 'GET', `/api/v1/applications/${id}/progress`, { token })).status).toBe(200);
    });
    // A request in the same minute as the one before it draws on the unit this process already holds
    // (libraries/rate-limit.ts: 10,000 requests a unit under the tests' limit); one in a minute that began
    // since the request before takes a unit and is not judged.
    const sameMinute = previous === before && minute() === before;
    previous = before;
    if (!sameMinute) continue;
    checked++;
    expect(sent.list.filter((c) => c.endsWith('rate_limits'))).toEqual([]);
    expect(sent.total).toBe(2); // the application and its next version claim
  }
  expect(checked).toBeGreaterThan(0);
});

test('when a department reads a queue page of 2 and of 8 applications, then both cost the same reads', async () => {
  while (applications.length < 8) applications.push(await submittedApplication(server.url));
  const hospital = await departmentToken(server.url, 'hospital');
  const page = async (limit: number) =>
    count(async () => {
      const res = await api(server.url, 'GET', `/api/v1/dept/tasks?limit=${limit}`, { token: hospital });
      expect(res.status).toBe(200);
      expect(new Set(res.body.tasks.map((t: { applicationId: string }) => t.applicationId)).size).toBe(limit);
    });
  const small = await page(2);
  const large = await page(8);
  process.stdout.write(`queue page of 2: ${small.total} commands, ${small.reads} reads: ${small.list.join(', ')}\n`);
  process.stdout.write(`queue page of 8: ${large.total} commands, ${large.reads} reads: ${large.list.join(', ')}\n`);
  expect(large.reads).toBe(small.reads);
  expect(large.total).toBe(small.total);
});

test('when a parent drafts and submits, then the application is read once before and once after the commit', async () => {
  const sent = await count(async () => {
    await submittedApplication(server.url, undefined, applications[0].token);
  });
  process.stdout.write(`draft + submit: ${sent.total} commands, ${sent.reads} reads: ${sent.list.join(', ')}\n`);
  // Read before deciding, and once after the commit (the submit decides on the read that found the draft).
  expect(sent.list.filter((c) => c === 'find applications')).toHaveLength(2);
});

test('when the relay delivers one application’s due notice, then it reads the application twice', async () => {
  await submittedApplication(server.url);
  // Everything due before: delivered uncounted, so the counted round has one application.
  while ((await server.components.relay.runOnce()).delivered) {
    /* drained */
  }
  await submittedApplication(server.url);
  const sent = await count(async () => {
    expect((await server.components.relay.runOnce()).delivered).toBe(1);
  });
  process.stdout.write(`relay, one delivery: ${sent.total} commands, ${sent.reads} reads: ${sent.list.join(', ')}\n`);
  // Read under the lease, and once after recording; the change and the marks' settling use those reads.
  expect(sent.list.filter((c) => c === 'find applications')).toHaveLength(2);
});

test('when a department accepts a task, then the application is read once before and once after the commit', async () => {
  const { id } = await submittedApplication(server.url);
  const hospital = await departmentToken(server.url, 'hospital');
  const sent = await count(async () => {
    const res = await api(server.url, 'POST', `/api/v1/dept/tasks/${id}.birth_certificate/events`, {
      token: hospital,
      body: { eventId: `count-${id}`, type: 'accept' },
    });
    expect(res.status).toBe(200);
  });
  process.stdout.write(`department event: ${sent.total} commands, ${sent.reads} reads: ${sent.list.join(', ')}\n`);
  // Read to find the task (the change decides on it), and once after the commit.
  expect(sent.list.filter((c) => c === 'find applications')).toHaveLength(2);
});
