// The request limits (libraries/rate-limit.ts) count units of several requests in the database, so a parent
// polling its progress costs one insert a window instead of one a request. On the real FerretDB: one
// process gets exactly the limit; two processes sharing it never get more than the limit between them and
// lose at most a unit each; the database holds one slot per unit; a new window starts afresh.
import type { Context } from 'koa';
import type { Connection } from 'mongoose';
import { createQuota } from '../../bff/src/libraries/quota';
import { rateLimit, requestsPerUnit } from '../../bff/src/libraries/rate-limit';
import { twoConnections } from '../support/test-server';

let a: Connection;
let b: Connection;
let close: () => Promise<void>;
let at = new Date('2026-03-02T03:00:10Z').getTime();
const now = () => at;

beforeAll(async () => {
  ({ a, b, close } = await twoConnections('units'));
});
afterAll(() => close());

/** A process's limiter on `connection`: resolves true when a request passes, false when it is refused (429). */
function limiter(connection: Connection, collection: string, max: number) {
  const middleware = rateLimit({
    name: 'parent',
    max,
    windowMs: 60_000,
    key: () => 'blind-key-of-one-parent',
    quota: createQuota({ connection, collection, now: () => new Date(at) }),
    now,
  });
  return (): Promise<boolean> =>
    middleware({} as Context, async () => undefined).then(
      () => true,
      (err: { status?: number; code?: string }) => {
        expect([err.status, err.code]).toEqual([429, 'RATE_LIMITED']);
        return false;
      },
    );
}

test('when a limit is set, then a unit stands for the largest divisor of it that leaves ten units, and limits under 20 count each request', () => {
  expect([300, 30, 120, 100, 20, 19, 4, 97, 100_000].map(requestsPerUnit)).toEqual([30, 3, 12, 10, 2, 1, 1, 1, 10_000]);
});

test('when one process answers 130 requests under a limit of 100, then exactly 100 pass, with one database slot per 10', async () => {
  const request = limiter(a, 'units_one', 100);
  const passed: boolean[] = [];
  for (let i = 0; i < 130; i++) passed.push(await request());
  expect(passed.filter(Boolean)).toHaveLength(100);
  expect(passed.slice(0, 100).every(Boolean)).toBe(true);
  expect(await a.collection('units_one').countDocuments()).toBe(10);
});

test('when 25 requests of one key arrive at once on one process, then they all pass on 3 units (they wait for one take, not one each)', async () => {
  const request = limiter(a, 'units_burst', 100);
  const passed = await Promise.all(Array.from({ length: 25 }, () => request()));
  expect(passed.every(Boolean)).toBe(true);
  expect(await a.collection('units_burst').countDocuments()).toBe(3);
});

test('when two processes share a limit of 100, racing, then never more than 100 pass and at most a unit each is lost', async () => {
  const first = limiter(a, 'units_two', 100);
  const second = limiter(b, 'units_two', 100);
  const passed = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? first : second)()));
  const count = passed.filter(Boolean).length;
  expect(count).toBeLessThanOrEqual(100);
  expect(count).toBeGreaterThanOrEqual(100 - 2 * 9);
  expect(await a.collection('units_two').countDocuments()).toBe(10);
});

test('when the window turns, then the units held from the last one are gone and the limit starts afresh', async () => {
  const request = limiter(a, 'units_window', 40);
  expect(requestsPerUnit(40)).toBe(4);
  for (let i = 0; i < 40; i++) expect(await request()).toBe(true);
  expect(await request()).toBe(false);
  at += 60_000;
  const passed: boolean[] = [];
  for (let i = 0; i < 42; i++) passed.push(await request());
  expect(passed.filter(Boolean)).toHaveLength(40);
});
