// The department simulator against the real BFF on the run's FerretDB: it must drive a complete application
// to the end through the department API alone, reject only first dispatches (all reasons at once), survive
// a BFF that is down, and stop cleanly.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ITEM_KEYS, isFinal, parseIdNumber, toChinaDateString, type ItemKey } from '@birth/shared';
import { eventIdFor, newbornIdNumber, runSimulator, type SimulatorHandle } from '../../scripts/department-simulator';
import { DepartmentClient, parseClients } from '../../scripts/lib/department-client';
import { loginParent, submittedApplication, validApplication } from '../support/fixtures';
import { api, startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(90_000);

const HOUR = 3600_000;

/** An ISO time with the China offset, as the app sends it. */
function chinaIso(at: Date): string {
  return new Date(at.getTime() + 8 * HOUR).toISOString().replace('Z', '+08:00');
}

/** A complete, valid application for a boy of his own, with two items picked up and two mailed. */
function application(birth: Date) {
  const app = validApplication({ birthDateTime: chinaIso(birth) });
  app.newborn.sex = 'male';
  app.household.relationshipToHead = '子';
  app.delivery.birth_certificate = { method: 'pickup', pickupPointId: 'hz-citizen-center' };
  app.delivery.vaccination_certificate = { method: 'pickup', pickupPointId: 'jh-yiwu-service-center' };
  return app;
}

type Progress = {
  status: string;
  items: {
    key: ItemKey;
    state: string;
    rejection?: { reasons: { code?: string; field?: string; message: string }[] };
    shipment?: { carrier: string; trackingNumber: string };
    pickup?: { place: string; hours: string; pickupCode?: string };
    outputs?: Record<string, string>;
  }[];
  timeline: { itemKey?: string; event: string; actor: string }[];
};

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** A parent with a submitted application; returns the parent's token, the application id and its input. */
async function submitApplication(n: number, birth: Date) {
  const app = application(birth);
  const { token, id } = await submittedApplication(server.url, app, await loginParent(server.url, `simulator-parent-${n}`));
  return { token, id, app };
}

async function progressOf(token: string, id: string): Promise<Progress> {
  const res = await api<Progress>(server.url, 'GET', `/api/v1/applications/${id}/progress`, { token });
  expect(res.status).toBe(200);
  return res.body;
}

const allFinal = (p: Progress) => p.items.length === ITEM_KEYS.length && p.items.every((i) => isFinal(i.key, i.state as never));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fast = { pollMs: 20, minDelayMs: 5, maxDelayMs: 20 };

describe('department simulator on the real BFF', () => {
  let handle: SimulatorHandle | undefined;
  afterEach(async () => {
    await handle?.stop();
    handle = undefined;
  });

  test('drives every item of a submitted application to its final state through the department API', async () => {
    const birth = new Date(Date.now() - 3 * HOUR);
    const { token, id, app } = await submitApplication(1, birth);
    const lines: string[] = [];
    handle = runSimulator({ baseUrl: server.url, ...fast, rejectRate: 0, log: (l) => lines.push(l) });

    const deadline = Date.now() + 30_000;
    let progress = await progressOf(token, id);
    while (!allFinal(progress) && Date.now() < deadline) {
      await sleep(100);
      progress = await progressOf(token, id);
    }
    const states = Object.fromEntries(progress.items.map((i) => [i.key, i.state]));
    expect({ states, lines: lines.filter((l) => l.includes('could not') || l.includes('not reachable')) }).toEqual({
      states: {
        birth_certificate: 'delivered',
        vaccination_certificate: 'delivered',
        hukou_registration: 'delivered',
        medical_insurance: 'completed',
        social_security_card: 'delivered',
      },
      lines: [],
    });
    expect(progress.status).toBe('completed');
    expect(progress.timeline.filter((t) => t.event === 'reject')).toEqual([]);

    // Delivery follows the parents' choice: pickup points by the guide, the rest by mail.
    const item = (key: ItemKey) => progress.items.find((i) => i.key === key)!;
    expect(item('birth_certificate').pickup?.place).toContain('杭州市民之家');
    expect(item('vaccination_certificate').pickup?.place).toContain('义乌市行政服务中心');
    expect(item('hukou_registration').shipment).toEqual(
      expect.objectContaining({ carrier: expect.any(String), trackingNumber: expect.any(String) }),
    );
    expect(item('social_security_card').shipment).toBeDefined();
    expect(Object.keys(item('hukou_registration').outputs ?? {}).sort()).toEqual(['hukouBookletNumber', 'newbornIdNumber']);

    // The newborn's ID number the police produced is valid and matches birth date and sex.
    const insurer = new DepartmentClient({
      baseUrl: server.url,
      code: 'medical_insurance',
      clientId: 'dev-medical_insurance',
      clientSecret: 'dev-medical_insurance-secret',
    });
    const task = await insurer.getTask(`${id}.medical_insurance`);
    const parsed = parseIdNumber(task.upstream?.newbornIdNumber);
    expect(parsed).toEqual(expect.objectContaining({ ok: true, birthDate: toChinaDateString(birth), sex: 'male' }));

    // One concise line per action, no personal data.
    expect(lines).toContainEqual(`[simulator] 公安 accepted 出生户口登记 (task ${id.slice(0, 8)})`);
    expect(lines).toContainEqual(`[simulator] 医院 delivered 出生医学证明 (task ${id.slice(0, 8)})`);
    const secrets = [
      app.newborn.name,
      app.mother.name,
      app.father.name,
      app.mother.idNumber,
      app.father.idNumber,
      app.mother.phone,
      String(task.upstream?.newbornIdNumber),
    ];
    for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);
  });

  test('rejects first dispatches with every reason at once, and never an item the parents resubmitted', async () => {
    const { token, id } = await submitApplication(2, new Date(Date.now() - 5 * HOUR));
    const lines: string[] = [];
    handle = runSimulator({ baseUrl: server.url, ...fast, rejectRate: 1, log: (l) => lines.push(l) });

    const rejected = new Map<ItemKey, Progress['items'][number]['rejection']>();
    const deadline = Date.now() + 30_000;
    let progress = await progressOf(token, id);
    while (!allFinal(progress) && Date.now() < deadline) {
      for (const item of progress.items.filter((i) => i.state === 'rejected')) {
        // A second rejection of the same item would mean the simulator rejected a resubmitted one.
        expect({ item: item.key, rejectedBefore: rejected.has(item.key) }).toEqual({ item: item.key, rejectedBefore: false });
        rejected.set(item.key, item.rejection);
        const res = await api(server.url, 'POST', `/api/v1/applications/${id}/items/${item.key}/resubmit`, {
          token,
          body: { corrections: {} },
        });
        expect({ item: item.key, status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({
          item: item.key,
          status: 200,
          body: 'ok',
        });
      }
      await sleep(50);
      progress = await progressOf(token, id);
    }

    expect(allFinal(progress)).toBe(true);
    // Every item was dispatched once as a first dispatch, so every one was rejected exactly once …
    expect([...rejected.keys()].sort()).toEqual([...ITEM_KEYS].sort());
    for (const [key, rejection] of rejected) {
      expect({ key, count: rejection?.reasons.length }).toEqual({ key, count: expect.any(Number) });
      expect(rejection!.reasons.length).toBeGreaterThanOrEqual(1);
      expect(rejection!.reasons.length).toBeLessThanOrEqual(3);
      for (const reason of rejection!.reasons) {
        expect(reason.message).toMatch(/\p{Script=Han}/u);
        expect(reason.field).toMatch(/^[a-z_]+(\.[A-Za-z_]+)*$/);
      }
    }
    // … and the timeline agrees: one reject and one resubmit per item, then it went through.
    for (const key of ITEM_KEYS) {
      expect({ key, rejects: progress.timeline.filter((t) => t.itemKey === key && t.event === 'reject').length }).toEqual({
        key,
        rejects: 1,
      });
      expect({ key, resubmits: progress.timeline.filter((t) => t.itemKey === key && t.event === 'resubmit').length }).toEqual({
        key,
        resubmits: 1,
      });
    }
    expect(lines.some((l) => /^\[simulator\] 医院 rejected 出生医学证明 \(task \w{8}\) — [123] 项原因/.test(l))).toBe(true);
    expect(lines.some((l) => /^\[simulator\] 医院 accepted 出生医学证明 \(task \w{8}\)（第1次补正后）$/.test(l))).toBe(true);
  });
});

describe('department simulator without a BFF', () => {
  test('keeps retrying with backoff while the BFF is down, and stops cleanly on its signal', async () => {
    // A port that was just free: nothing listens there.
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));

    const lines: string[] = [];
    const controller = new AbortController();
    const handle = runSimulator({
      baseUrl: `http://127.0.0.1:${port}`,
      pollMs: 10,
      minDelayMs: 1,
      maxDelayMs: 2,
      rejectRate: 0,
      log: (l) => lines.push(l),
      signal: controller.signal,
    });
    await sleep(400);
    controller.abort();
    const started = Date.now();
    await handle.done;
    await handle.stop(); // stopping twice is harmless
    expect(Date.now() - started).toBeLessThan(2000);
    // One line per department when it first fails; backoff keeps the log quiet after that.
    expect(lines.filter((l) => l.includes('not reachable')).length).toBeGreaterThanOrEqual(4);
    expect(lines.length).toBeLessThan(20);
  });
});

describe('department client and helpers', () => {
  test('logs in again when the BFF answers 401 to a token it issued (e.g. after a secret rotation)', async () => {
    let logins = 0;
    let listed = 0;
    const fake = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/v1/dept/auth/token') {
        logins += 1;
        res.end(
          JSON.stringify({
            accessToken: `token-${logins}`,
            tokenType: 'Bearer',
            expiresIn: 900,
            role: 'department',
            department: 'police',
          }),
        );
        return;
      }
      listed += 1;
      if (req.headers.authorization !== `Bearer token-2`) {
        res.statusCode = 401;
        res.end(JSON.stringify({ code: 'UNAUTHENTICATED', status: 401 }));
        return;
      }
      res.end(JSON.stringify({ tasks: [] }));
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    try {
      const { port } = fake.address() as AddressInfo;
      const client = new DepartmentClient({
        baseUrl: `http://127.0.0.1:${port}`,
        code: 'police',
        clientId: 'dev-police',
        clientSecret: 'dev-police-secret',
      });
      await expect(client.listTasks('dispatched')).resolves.toEqual([]);
      expect({ logins, listed }).toEqual({ logins: 2, listed: 2 });
    } finally {
      fake.closeAllConnections();
      await new Promise<void>((r) => fake.close(() => r()));
    }
  });

  test('parses SIM_CLIENTS like DEPT_CLIENTS (secrets may contain colons) and refuses unknown departments', () => {
    expect(parseClients(' police:pol-1:s3cret:with:colons , hospital:h-1:another-secret-123')).toEqual([
      { code: 'police', clientId: 'pol-1', clientSecret: 's3cret:with:colons' },
      { code: 'hospital', clientId: 'h-1', clientSecret: 'another-secret-123' },
    ]);
    expect(() => parseClients('fire:x:y')).toThrow(/SIM_CLIENTS/);
    expect(() => parseClients('police:only-id')).toThrow(/SIM_CLIENTS/);
  });

  test('event ids are deterministic per task, resubmission round and step, and valid for the BFF', () => {
    const taskId = '3f1c2b9e-1111-4222-8333-944455556666.hukou_registration';
    expect(eventIdFor(taskId, 0, 'accept')).toBe(eventIdFor(taskId, 0, 'accept'));
    expect(eventIdFor(taskId, 0, 'accept')).not.toBe(eventIdFor(taskId, 1, 'accept'));
    expect(eventIdFor(taskId, 0, 'accept')).not.toBe(eventIdFor(taskId, 0, 'reject'));
    expect(eventIdFor(taskId, 12, 'ready_for_pickup')).toMatch(/^[A-Za-z0-9_\-:.]{8,100}$/);
  });

  test('newborn ID numbers are valid, carry the China-time birth date and the sex digit', () => {
    // 2024-03-01 23:30 in Beijing is still 2024-03-01 there, though already past 15:30 UTC.
    const id = newbornIdNumber('2024-03-01T23:30:00+08:00', 'female', 'seed');
    expect(parseIdNumber(id)).toEqual(
      expect.objectContaining({ ok: true, birthDate: '2024-03-01', sex: 'female', regionCode: '330102' }),
    );
    const utcLate = newbornIdNumber('2024-03-01T17:00:00Z', 'male', 'seed'); // 01:00 on 03-02 in China
    expect(parseIdNumber(utcLate)).toEqual(expect.objectContaining({ ok: true, birthDate: '2024-03-02', sex: 'male' }));
    expect(newbornIdNumber('2024-03-01T17:00:00Z', 'male', 'seed')).toBe(utcLate);
  });
});
