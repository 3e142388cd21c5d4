// The load generator of `npm run bench:scale`, in a worker thread of its own: the client's work (HTTP
// parsing, the raw driver's BSON decoding) must not share the event loop of the BFF it measures, or every
// case is partly a measure of the client. The reference (the raw driver's findOne) runs here too, so both
// sides of each ratio pay the same client costs on the same thread.
import fs from 'node:fs';
import http from 'node:http';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { MongoClient } from 'mongodb';

export type Result = { rps: number; p50: number; p99: number; failures: number };

/** One request of an HTTP case. */
export type Call = { method: string; path: string; token?: string; body?: unknown; headers?: Record<string, string> };

/**
 * What the worker runs, operation i of `total`:
 * - `findOne`: the raw driver's findOne({_id: ids[i % n]}) on a client of its own (one connection per
 *   concurrent operation);
 * - `calls`: calls[i % n], successful when its status is `ok`;
 * - `draftAndSubmit`: POST drafts[i].body as drafts[i].token, then submit it with an idempotency key (202).
 */
export type LoadSpec =
  | { kind: 'findOne'; uri: string; db: string; collection: string; ids: string[] }
  | { kind: 'calls'; base: string; calls: Call[]; ok: number }
  | { kind: 'draftAndSubmit'; base: string; drafts: { token: string; body: unknown }[] };

/** Runs `total` operations at `connections` at once; latency per operation. */
export async function load(total: number, connections: number, op: (i: number) => Promise<boolean>): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = process.hrtime.bigint();
        const ok = await op(i).catch((err: Error) => {
          if (process.env.BENCH_DEBUG) fs.appendFileSync('/tmp/bench-debug.log', `${err.stack}\n`);
          return false;
        });
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (!ok) failures++;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return { rps: total / seconds, p50: latencies[Math.floor(total * 0.5)], p99: latencies[Math.floor(total * 0.99)], failures };
}

/** A keep-alive HTTP client of up to `connections` sockets; answers status and body text. */
export function httpClient(base: string, connections: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  return (method: string, p: string, token?: string, body?: unknown, extra: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(`${base}${p}`, {
        method,
        agent,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(data ? { 'content-type': 'application/json' } : {}),
          ...extra,
        },
      });
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => {
          if (process.env.BENCH_DEBUG && (res.statusCode ?? 0) >= 300)
            fs.appendFileSync('/tmp/bench-debug.log', `${method} ${p} ${res.statusCode} ${text.slice(0, 300)}\n`);
          resolve({ status: res.statusCode ?? 0, body: text });
        });
      });
      req.on('error', reject);
      req.end(data);
    });
}

async function run(total: number, connections: number, spec: LoadSpec): Promise<Result> {
  if (spec.kind === 'findOne') {
    const mongo = new MongoClient(spec.uri, { maxPoolSize: connections });
    await mongo.connect();
    try {
      const col = mongo.db(spec.db).collection<{ _id: string }>(spec.collection);
      // Every connection of the pool opened before the timing starts (as the BFF's pool is, by its earlier requests).
      await Promise.all(spec.ids.slice(0, connections).map((_id) => col.findOne({ _id })));
      return await load(total, connections, async (i) => !!(await col.findOne({ _id: spec.ids[i % spec.ids.length] })));
    } finally {
      await mongo.close();
    }
  }
  const client = httpClient(spec.base, connections);
  if (spec.kind === 'calls') {
    return load(total, connections, async (i) => {
      const c = spec.calls[i % spec.calls.length];
      return (await client(c.method, c.path, c.token, c.body, c.headers)).status === spec.ok;
    });
  }
  return load(total, connections, async (i) => {
    const { token, body } = spec.drafts[i];
    const draft = await client('POST', '/api/v1/applications', token, body);
    if (draft.status !== 201) return false;
    const id = JSON.parse(draft.body).id as string;
    const submit = await client('POST', `/api/v1/applications/${id}/submit`, token, undefined, {
      'idempotency-key': `submit-${id}`,
    });
    return submit.status === 202;
  });
}

/** Runs the load in a new worker thread and answers its result. */
export function loadInWorker(total: number, connections: number, spec: LoadSpec): Promise<Result> {
  return new Promise((resolve, reject) => {
    // A worker thread does not get the parent's `--import tsx` hooks: it registers tsx itself, then loads this file.
    const boot = `require('tsx/cjs/api').register(); require(${JSON.stringify(__filename)});`;
    const worker = new Worker(boot, { eval: true, workerData: { total, connections, spec } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => (code ? reject(new Error(`load worker exited ${code}`)) : undefined));
  });
}

if (!isMainThread && workerData?.spec) {
  const { total, connections, spec } = workerData as { total: number; connections: number; spec: LoadSpec };
  run(total, connections, spec).then(
    (result) => parentPort!.postMessage(result),
    (err: Error) => {
      throw err;
    },
  );
}
