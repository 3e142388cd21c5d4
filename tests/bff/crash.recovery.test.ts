// The BFF killed with SIGKILL in the middle of concurrent submits and restarted, and the database stopped
// for a few seconds mid-load, with clients that do what phones do: retry their own Idempotency-Key until
// they get an answer. Afterwards every client has its answer, every acknowledged application exists once
// and holds its newborn, and no application is half-written. Its own FerretDB (stopping the run's shared
// one would disturb other test files) and its own BFF processes, on loopback.
import {
  call as callAt,
  checkWhole as checkWholeIn,
  journey as journeyAt,
  newClient,
  ownBffStack,
  type Client,
  type OwnBffStack,
  type Seen,
} from '../support/processes';

const TIMEOUT = 600_000; // process spawning on a loaded 2-core machine: generous, and the test waits on events

let stack: OwnBffStack;
const base = () => stack.bff.url;
const call = (method: string, p: string, token?: string, body?: unknown, headers: Record<string, string> = {}) =>
  callAt(base(), method, p, token, body, headers);
const journey = (client: Client, seen: Seen, onAcknowledged: () => void) => journeyAt(base, client, seen, onAcknowledged);

beforeAll(async () => {
  stack = await ownBffStack('crash');
}, TIMEOUT);

afterAll(async () => {
  await stack?.dispose();
}, TIMEOUT);

const checkWhole = (clients: Client[]) => checkWholeIn(stack.connection, stack.repo, clients);

test(
  'when the BFF is killed with SIGKILL during concurrent submits and restarted, then every client gets its answer and every application is whole',
  async () => {
    const clients = Array.from({ length: 40 }, newClient);
    const seen: Seen = { statuses: [] };
    let acknowledged = 0;
    let killed!: () => void;
    const killWhen = new Promise<void>((r) => (killed = r));
    const load = Promise.all(clients.map((c) => journey(c, seen, () => ++acknowledged === 8 && killed())));
    await killWhen;
    await stack.bff.kill();
    await stack.bff.start();
    await load;

    expect(seen.statuses).toContain(0); // the kill did cut requests
    expect(seen.statuses.filter((s) => s === 500)).toEqual([]);
    await checkWhole(clients);

    // The newborns stay held: another parent's application for five of them is refused.
    for (const client of clients.slice(0, 5)) {
      const login = await call('POST', '/api/v1/auth/login', undefined, { platform: 'dev', code: `other-${client.key}` });
      const draft = await call('POST', '/api/v1/applications', login.body.accessToken, client.input);
      const second = await call('POST', `/api/v1/applications/${draft.body.id}/submit`, login.body.accessToken, undefined, {
        'idempotency-key': `other-${client.key}`,
      });
      expect(second.status).toBe(409);
    }
  },
  TIMEOUT,
);

test(
  'when the database stops for a few seconds under load, then clients get 503 with Retry-After meanwhile, and every one is answered once it is back',
  async () => {
    const clients = Array.from({ length: 30 }, newClient);
    const seen: Seen = { statuses: [] };
    let acknowledged = 0;
    let stopNow!: () => void;
    const stopWhen = new Promise<void>((r) => (stopNow = r));
    const load = Promise.all(clients.map((c) => journey(c, seen, () => ++acknowledged === 5 && stopNow())));
    await stopWhen;
    // The database process dies; a few seconds later it is started again on the same files and port.
    await stack.db.kill();
    const outage = await call('GET', '/readyz');
    expect(outage.status).toBe(503);
    await new Promise((r) => setTimeout(r, 3000)); // the outage's length, not a wait for anything
    await stack.db.restart();
    await load;

    expect(seen.statuses.filter((s) => s === 500)).toEqual([]);
    await checkWhole(clients);
    // The BFF came back by itself.
    expect((await call('GET', '/readyz')).status).toBe(200);
  },
  TIMEOUT,
);
