// `npm run bench`: throughput of the main BFF paths on loopback, each as a ratio to a reference measured in
// the same run (GET /healthz: the HTTP stack with no work), so results compare across machines.
// Bounded: each case runs a fixed number of requests at fixed concurrency against a throw-away FerretDB.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureFerretdb, startFerretdb } from '../lib/ferretdb.cjs';
import { startInProcessBff } from './in-process-bff';
import { httpClient, load, type Call, type Result } from './load-client';
import { departmentToken, submittedApplication } from '../../tests/support/fixtures';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);

type Case = { name: string; request: (i: number) => Call };

async function measure(base: string, c: Case, total = REQUESTS): Promise<Result> {
  const client = httpClient(base, CONCURRENCY);
  const statuses: Record<number, number> = {};
  const result = await load(total, CONCURRENCY, async (i) => {
    const r = c.request(i);
    const { status } = await client(r.method, r.path, r.token, r.body);
    statuses[status] = (statuses[status] ?? 0) + 1;
    return status < 400;
  });
  if (result.failures && process.env.BENCH_DEBUG) console.error(c.name, statuses);
  return result;
}

async function main() {
  ensureFerretdb();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'birth-bench-'));
  const db = await startFerretdb({ dataDir: dir });
  const bff = await startInProcessBff({
    MONGODB_URI: db.uri,
    MONGODB_DB: 'bench',
  });
  const { base } = bff;
  try {
    const apps = await Promise.all(Array.from({ length: 20 }, () => submittedApplication(base)));
    const hospital = await departmentToken(base, 'hospital');
    const cases: Case[] = [
      { name: 'GET /healthz (reference)', request: () => ({ method: 'GET', path: '/healthz' }) },
      { name: 'GET /api/v1/guide', request: () => ({ method: 'GET', path: '/api/v1/guide' }) },
      {
        name: 'GET /applications/:id/progress',
        request: (i) => ({
          method: 'GET',
          path: `/api/v1/applications/${apps[i % apps.length].id}/progress`,
          token: apps[i % apps.length].token,
        }),
      },
      {
        name: 'GET /dept/tasks?status=dispatched',
        request: () => ({ method: 'GET', path: '/api/v1/dept/tasks?status=dispatched', token: hospital }),
      },
      {
        name: 'POST dept event (replayed, idempotent)',
        request: (i) => ({
          method: 'POST',
          path: `/api/v1/dept/tasks/${apps[i % apps.length].id}.birth_certificate/events`,
          token: hospital,
          body: { eventId: `bench-event-${i % apps.length}`, type: 'accept' },
        }),
      },
    ];
    await measure(base, cases[0], 200); // warm-up
    const rows = [];
    let reference = 0;
    for (const c of cases) {
      const r = await measure(base, c);
      if (!reference) reference = r.rps;
      rows.push({
        case: c.name,
        'req/s': Math.round(r.rps),
        'ratio to reference': (r.rps / reference).toFixed(3),
        'p50 ms': r.p50.toFixed(1),
        'p99 ms': r.p99.toFixed(1),
        failures: r.failures,
      });
    }
    console.log(`\n${REQUESTS} requests per case, ${CONCURRENCY} connections, loopback, FerretDB ${db.uri}`);
    console.table(rows);
  } finally {
    await bff.close();
    await db.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
