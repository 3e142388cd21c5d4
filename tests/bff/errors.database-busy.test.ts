// Database trouble that is not a bug of ours — FerretDB's SQLite answering "database is locked" under
// write contention, a connection pool cleared by a network error — is 503 with Retry-After, never 500.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { mongo } from 'mongoose';
import { errorHandler, requestContext } from '../../bff/src/libraries/http';
import { createLogger } from '../../bff/src/libraries/logger';
import { isDatabaseUnavailable } from '../../bff/src/libraries/mongo';

const busy = Object.assign(new Error('SQLITE_BUSY: database is locked (5)'), { name: 'MongoServerError', code: 1 });
const poolCleared = Object.assign(new Error('Connection pool for 127.0.0.1:27017 was cleared'), {
  name: 'PoolClearedOnNetworkError',
});
const pluggedOut = Object.assign(new Error('connection closed'), { name: 'MongoNetworkError' });
const ours = new TypeError('x is undefined');
// What insertMany (the audit log) throws when the database goes away mid-request: the driver's error wrapped.
const bulkUnsent = new mongo.MongoBulkWriteError(new mongo.MongoNetworkError('connection 3 to 127.0.0.1:1 closed'), {} as never);
const bulkNoServer = new mongo.MongoBulkWriteError(
  new mongo.MongoServerSelectionError('Server selection timed out after 3000 ms', { type: 'Unknown' } as never),
  {} as never,
);
const bulkRefused = new mongo.MongoBulkWriteError(
  { message: 'E11000 duplicate key', code: 11000, writeErrors: [{ code: 11000 } as never] },
  {} as never,
);

test('when the error is the database being busy or unreachable, then it is recognised; our own bugs are not', () => {
  expect([busy, poolCleared, pluggedOut, bulkUnsent, bulkNoServer].map(isDatabaseUnavailable)).toEqual([
    true,
    true,
    true,
    true,
    true,
  ]);
  expect(isDatabaseUnavailable(bulkRefused)).toBe(false);
  expect(isDatabaseUnavailable(ours)).toBe(false);
  expect(isDatabaseUnavailable(Object.assign(new Error('E11000 duplicate key'), { code: 11000 }))).toBe(false);
});

test('when a request meets such an error, then it answers 503 with Retry-After over HTTP, and a bug still 500', async () => {
  const app = new Koa();
  app.use(requestContext(createLogger({ level: 'silent' })));
  app.use(errorHandler());
  const errors: Record<string, Error> = { '/busy': busy, '/pool': poolCleared, '/bug': ours };
  app.use((ctx) => {
    throw errors[ctx.path];
  });
  const server = http.createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    for (const path of ['/busy', '/pool']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect((await res.json()).code).toBe('DEPENDENCY_UNAVAILABLE');
    }
    expect((await fetch(`${base}/bug`)).status).toBe(500);
  } finally {
    server.close();
  }
});
