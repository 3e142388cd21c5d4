// What the BFF's HTTP stack costs in JavaScript alone: the same requests as `npm run bench:api` (/healthz,
// the guide, a 404) and bare Koa's hello-world, driven in this process through each app's callback with a
// socket that discards what is written: no network, no kernel, no client. Prints the least CPU time per
// answer seen over the rounds (µs) and the ratio to bare Koa. Not a test; used to find where the stack's
// time goes without the noise of a loaded machine's scheduler (see the README, "The HTTP stack against
// bare Koa"). The BFF is built as production builds it, on a database connection that is never opened
// (none of these routes reads it). Usage: node --import tsx scripts/bench/api-inprocess.ts
// (BENCH_INPROCESS_N answers per round, default 40,000; BENCH_INPROCESS_ROUNDS, default 6).
import fs from 'node:fs';
import http from 'node:http';
import { Duplex } from 'node:stream';
import Koa from 'koa';
import mongoose from 'mongoose';
import { loadConfig } from '../../config';
import { createLogger } from '../../bff/src/libraries/logger';
import { createComponents, createServer } from '../../bff/src/server';
import { productionEnvironment } from './production-env';

const N = Number(process.env.BENCH_INPROCESS_N ?? 40_000);
const ROUNDS = Number(process.env.BENCH_INPROCESS_ROUNDS ?? 6);
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A socket that takes every write at once and throws it away. */
class NullSocket extends Duplex {
  remoteAddress = '127.0.0.1';
  override _read() {}
  override _write(_chunk: unknown, _encoding: string, done: () => void) {
    done();
  }
  override _writev(_chunks: unknown, done: () => void) {
    done();
  }
}
const socket = new NullSocket();

function answer(handler: Handler, url: string): Promise<void> {
  return new Promise((resolve) => {
    const req = new http.IncomingMessage(socket as never);
    req.method = 'GET';
    req.url = url;
    req.headers = { host: '127.0.0.1', 'accept-encoding': 'gzip, deflate, br', accept: 'application/json' };
    req.httpVersionMajor = 1;
    req.httpVersionMinor = 1;
    req.httpVersion = '1.1';
    req.complete = true;
    req.push(null);
    const res = new http.ServerResponse(req);
    res.assignSocket(socket as never);
    res.on('finish', () => {
      res.detachSocket(socket as never);
      resolve();
    });
    handler(req, res);
  });
}

/** CPU µs per answer over `n` answers, after a warm-up. */
async function cpuPerAnswer(handler: Handler, url: string, n: number): Promise<number> {
  for (let i = 0; i < 5000; i++) await answer(handler, url);
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) await answer(handler, url);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

async function main() {
  const bare = new Koa();
  bare.use((ctx) => {
    ctx.body = { status: 'ok' };
  });
  const config = loadConfig({
    ...productionEnvironment(),
    MONGODB_URI: 'mongodb://127.0.0.1:9/never-opened',
    MONGODB_DB: 'bench',
  });
  // The request lines are written as production writes them (gathered, then one write per 8 KiB), to /dev/null.
  const logger = createLogger({ level: 'info', fd: fs.openSync('/dev/null', 'w') });
  const deps = { config, logger, connection: mongoose.createConnection() };
  const bff = createServer(deps, createComponents(deps));
  const targets: [string, Handler, string][] = [
    ['bare Koa hello-world (reference)', bare.callback(), '/'],
    ['BFF `GET /healthz`', bff.callback(), '/healthz'],
    ['BFF `GET /api/v1/guide`', bff.callback(), '/api/v1/guide'],
    ['BFF 404 (`GET /healthz/none`)', bff.callback(), '/healthz/none'],
  ];
  const best = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, handler, url] of targets) {
      const us = await cpuPerAnswer(handler, url, N);
      best.set(name, Math.min(best.get(name) ?? Infinity, us));
    }
  }
  const reference = best.get(targets[0][0])!;
  console.log(`\n| target (in-process, no network) | CPU µs per answer | × bare Koa |\n|---|---|---|`);
  for (const [name] of targets)
    console.log(`| ${name} | ${best.get(name)!.toFixed(1)} | ${(best.get(name)! / reference).toFixed(2)} |`);
  console.log(`\nLeast of ${ROUNDS} rounds of ${N} answers each, Node ${process.version}.`);
  process.exit(0);
}

void main();
