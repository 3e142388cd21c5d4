// Over ten thousand bad requests generated from the OpenAPI document the BFF serves (see
// tests/support/openapi-fuzz.ts): whatever they carry, the BFF answers each with a 4xx in the documented
// error format (or a 2xx to a read), never a 5xx, and no refused request changes any collection.
// The seed is fixed and printed with any failure; FUZZ_SEED=<n> replays or varies it, FUZZ_RUNS=<n> the size.
import http from 'node:http';
import fc from 'fast-check';
import type { Connection } from 'mongoose';
import { isSafeMethod, operationsOf, requestFor, type GeneratedRequest, type OpenApiDocument } from '../support/openapi-fuzz';
import { departmentToken, loginParent, operatorToken, submittedApplication } from '../support/fixtures';
import { api, startTestServer, type TestServer } from '../support/test-server';

const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_400);
/** Requests in flight at once, over keep-alive connections. */
const CONCURRENCY = 8;

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
}, 120_000);
afterAll(() => server?.close(), 120_000);

/**
 * What the database holds, per collection. Left out are the writes made on purpose: an Idempotency-Key's
 * record of a refused request (the same key and body get the same refusal again), the request-limit
 * counters (they count attempts whatever the answer), and the audit entries of a department's successful
 * task list (a generated GET /api/v1/dept/tasks with the department's token is a legitimate read, and
 * every list is audited).
 */
async function snapshot(connection: Connection): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const collections = await connection.db!.listCollections().toArray();
  for (const { name } of collections) {
    if (name === 'rate_limits') continue;
    const filter =
      name === 'idempotency_keys'
        ? { $nor: [{ state: 'done', status: { $gte: 400, $lt: 500 } }] }
        : name === 'audit_log'
          ? { action: { $ne: 'task.list' } }
          : {};
    out[name] = await connection.db!.collection(name).countDocuments(filter);
  }
  return out;
}

type Answer = { status: number; headers: http.IncomingHttpHeaders; text: string } | { error: string };

function send(agent: http.Agent, base: URL, req: GeneratedRequest): Promise<Answer> {
  return new Promise((resolve) => {
    let r: http.ClientRequest;
    // Framed by length: node sends a GET's or DELETE's body unframed otherwise, and the server would read it as the next request.
    const headers = req.body ? { ...req.headers, 'content-length': String(req.body.length) } : req.headers;
    try {
      r = http.request(
        { host: base.hostname, port: base.port, method: req.method, path: req.path, headers, agent, timeout: 60_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', (e) => resolve({ error: `response: ${e.message}` }));
        },
      );
    } catch (e) {
      resolve({ error: `not sendable: ${(e as Error).message}` });
      return;
    }
    r.on('timeout', () => r.destroy(new Error('no answer within 60 s')));
    r.on('error', (e) => resolve({ error: e.message }));
    r.end(req.body);
  });
}

const CJK = /[\u4e00-\u9fff]/;

/** What is wrong with one answer, or nothing. */
function judge(req: GeneratedRequest, answer: Answer): string | undefined {
  if ('error' in answer) return `no answer: ${answer.error}`;
  const { status, headers, text } = answer;
  if (status >= 500) return `${status}`;
  if (status >= 200 && status < 300 && !isSafeMethod(req.method)) return `${status}: a generated invalid write was accepted`;
  if (status < 400 || req.method === 'HEAD') return undefined;
  if (!String(headers['content-type']).startsWith('application/problem+json')) return `${status} as ${headers['content-type']}`;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return `${status} with a body that is not JSON`;
  }
  const problems: string[] = [];
  if (typeof body.type !== 'string') problems.push('type');
  if (typeof body.title !== 'string') problems.push('title');
  if (body.status !== status) problems.push('status');
  if (typeof body.code !== 'string' || !/^[A-Z][A-Z_]+$/.test(body.code)) problems.push('code');
  if (typeof body.detail !== 'string' || !CJK.test(body.detail)) problems.push('a Chinese detail');
  if (body.errors !== undefined) {
    const errors = body.errors as { path?: unknown; message?: unknown }[];
    if (
      !Array.isArray(errors) ||
      !errors.length ||
      errors.some((e) => typeof e.path !== 'string' || !CJK.test(String(e.message)))
    )
      problems.push('errors [{ path, message }]');
  }
  if (/\n\s+at .+:\d+:\d+/.test(text)) problems.push('no stack trace');
  if (status === 429 && !headers['retry-after']) problems.push('Retry-After');
  if (problems.length) return `${status} ${String(body.code)}: the body lacks ${problems.join(', ')}`;
  return undefined;
}

test('when ten thousand generated bad requests hit every documented operation, then none gets a 5xx, every refusal is a documented problem, and nothing is written', async () => {
  const base = new URL(server.url);
  const tokens = {
    parent: await loginParent(server.url),
    department: await departmentToken(server.url, 'hospital'),
    operator: await operatorToken(server.url),
  };
  // Somebody's data is there (another parent's submitted application), so a leak or a stray write would show.
  await submittedApplication(server.url);

  const served = await api<OpenApiDocument>(server.url, 'GET', '/api/v1/openapi.json');
  expect(served.status).toBe(200);
  const doc = served.body;
  const operations = operationsOf(doc);
  // The document really lists the API: writes with bodies among them.
  expect(operations.length).toBeGreaterThan(20);
  expect(operations.filter((o) => o.body && o.method !== 'GET').length).toBeGreaterThan(5);

  const requests = fc.sample(
    // One arbitrary per operation, built once (building them per request costs more than sending).
    fc.oneof(...operations.map((op) => requestFor(doc, op, tokens))),
    { seed: SEED, numRuns: RUNS },
  );
  const before = await snapshot(server.connection);

  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests.length) {
        const i = next++;
        const req = requests[i];
        const answer = await send(agent, base, req);
        if (!('error' in answer)) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const wrong = judge(req, answer);
        if (wrong) {
          const seen = 'error' in answer ? '' : ` ${JSON.stringify(answer.headers).slice(0, 300)} ${answer.text.slice(0, 200)}`;
          failures.push(`#${i} ${req.method} ${req.path.slice(0, 160)} [${req.how.join('; ')}] → ${wrong}${seen}`);
        }
      }
    }),
  );
  agent.destroy();
  const after = await snapshot(server.connection);

  const report = `FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}; answers by status: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`;
  process.stdout.write(`[fuzz] ${report}\n`);
  if (failures.length) throw new Error(`${failures.length} bad answers (${report}):\n${failures.slice(0, 30).join('\n')}`);
  expect({ seed: SEED, counts: after }).toEqual({ seed: SEED, counts: before });
  // Every request was answered, and nothing the BFF did not mean to answer reached its log as an unhandled error.
  expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(RUNS);
  expect(server.logs.filter((l) => l.includes('"unhandled error"'))).toEqual([]);
  // The generated requests reached the routes, not only the gates in front of them.
  for (const s of [400, 401, 403, 404, 415]) expect(statuses.get(s) ?? 0).toBeGreaterThan(0);
}, 300_000);
