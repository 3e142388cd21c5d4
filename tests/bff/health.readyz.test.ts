import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFerretdb, type RunningFerretdb } from '../../scripts/lib/ferretdb.cjs';
import { api, startTestServer, type TestServer } from '../support/test-server';

describe('health and readiness', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('when the process runs, then /healthz answers 200', async () => {
    const res = await api(server.url, 'GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  test('when the database answers, then /readyz answers 200', async () => {
    const res = await api(server.url, 'GET', '/readyz');
    expect(res.status).toBe(200);
  });
});

// Starting and stopping FerretDB takes seconds on a loaded machine: explicit, generous limits, and the
// test waits on the database's answers, never on the machine's speed.
const PROCESS_TIMEOUT_MS = 120_000;

describe('readiness across a database outage', () => {
  let db: RunningFerretdb;
  let server: TestServer;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'birth-outage-'));
    db = await startFerretdb({ dataDir });
    server = await startTestServer({ MONGODB_URI: db.uri });
  }, PROCESS_TIMEOUT_MS);
  afterAll(async () => {
    await server.close().catch(() => undefined);
    await db.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, PROCESS_TIMEOUT_MS);

  async function readyStatusEventually(want: number, withinMs: number): Promise<number> {
    const deadline = Date.now() + withinMs;
    let status = 0;
    while (Date.now() < deadline) {
      status = (await api(server.url, 'GET', '/readyz')).status;
      if (status === want) return status;
      await new Promise((r) => setTimeout(r, 200));
    }
    return status;
  }

  test(
    'when the database stops, then /readyz is 503 with Retry-After, and 200 again once it is back, without restarting the BFF',
    async () => {
      expect(await readyStatusEventually(200, 60_000)).toBe(200);

      const login = await api(server.url, 'POST', '/api/v1/auth/login', { body: { platform: 'dev', code: 'outage-parent' } });
      expect(login.status).toBe(200);

      await db.stop();
      const during = await api(server.url, 'GET', '/api/v1/applications', { token: login.body.accessToken });
      expect(during.status).toBe(503);
      expect(during.headers.get('retry-after')).toBe('5');
      expect(during.body.detail).toMatch(/稍后再试/);
      const down = await api(server.url, 'GET', '/readyz');
      expect(down.status).toBe(503);
      expect(down.headers.get('content-type')).toContain('application/problem+json');
      expect(down.headers.get('retry-after')).toBe('5');
      expect(down.body.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect((await api(server.url, 'GET', '/healthz')).status).toBe(200);

      db = await startFerretdb({ dataDir, port: db.port });
      expect(await readyStatusEventually(200, 60_000)).toBe(200);
      expect((await api(server.url, 'GET', '/api/v1/applications', { token: login.body.accessToken })).status).toBe(200);
    },
    PROCESS_TIMEOUT_MS,
  );
});
