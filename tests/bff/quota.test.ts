// The shared counting limits (libraries/quota.ts) on the real FerretDB: racing processes never get more
// than the limit between them, a refusal gives back what it took, windows follow China-time days.
import type { Connection } from 'mongoose';
import { createQuota } from '../../bff/src/libraries/quota';
import { twoConnections } from '../support/test-server';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let a: Connection;
let b: Connection;
let close: () => Promise<void>;

beforeAll(async () => {
  // Two connections with their own pools: what two BFF processes would be.
  ({ a, b, close } = await twoConnections('quota'));
});
afterAll(() => close());

test('when 40 takes race from two connections for a limit of 7, exactly 7 are granted', async () => {
  const at = new Date('2026-03-02T03:00:00Z');
  const qa = createQuota({ connection: a, collection: 'quota_race', now: () => at });
  const qb = createQuota({ connection: b, collection: 'quota_race', now: () => at });
  const limits = [{ name: 'hour', windowMs: HOUR, max: 7 }];
  const verdicts = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? qa : qb).take('k1', limits)));
  expect(verdicts.filter((v) => v.ok)).toHaveLength(7);
  const refused = verdicts.find((v) => !v.ok);
  // 03:00 UTC is 11:00 in China: the hour window ends at 04:00 UTC.
  expect(refused).toEqual({ ok: false, limit: 'hour', retryAfterMs: HOUR });
  expect(await a.collection('quota_race').countDocuments()).toBe(7);
  // Other keys have their own count.
  expect(await qa.take('k2', limits)).toMatchObject({ ok: true });
});

test('when a later limit refuses, the units taken under the earlier ones are given back and can be used', async () => {
  let at = new Date('2026-03-02T03:10:00Z');
  const q = createQuota({ connection: a, collection: 'quota_multi', now: () => at });
  const limits = [
    { name: 'day', windowMs: DAY, max: 3 },
    { name: 'hour', windowMs: HOUR, max: 2 },
  ];
  expect((await q.take('p', limits)).ok).toBe(true);
  expect((await q.take('p', limits)).ok).toBe(true);
  expect(await q.take('p', limits)).toMatchObject({ ok: false, limit: 'hour' });
  // The refusal did not use up the day: the next hour still has one unit left under the day limit.
  at = new Date('2026-03-02T04:10:00Z');
  expect((await q.take('p', limits)).ok).toBe(true);
  expect(await q.take('p', limits)).toMatchObject({ ok: false, limit: 'day' });
});

test('when the China-time day turns (16:00 UTC), the day limit starts again, and the sweep removes ended windows only', async () => {
  let at = new Date('2026-03-02T15:59:00Z'); // 23:59 in China
  const q = createQuota({ connection: a, collection: 'quota_day', now: () => at });
  const limits = [{ name: 'day', windowMs: DAY, max: 1 }];
  expect((await q.take('d', limits)).ok).toBe(true);
  expect(await q.take('d', limits)).toEqual({ ok: false, limit: 'day', retryAfterMs: 60_000 });
  at = new Date('2026-03-02T16:00:00Z'); // 00:00 next day in China
  expect((await q.take('d', limits)).ok).toBe(true);
  expect(await q.sweep()).toBe(1);
  expect(await a.collection('quota_day').countDocuments()).toBe(1);
});

test('when a limit is 0 nothing is granted and nothing is written', async () => {
  const q = createQuota({ connection: a, collection: 'quota_zero' });
  expect(await q.take('z', [{ name: 'off', windowMs: HOUR, max: 0 }])).toMatchObject({ ok: false, limit: 'off' });
  expect(await a.collection('quota_zero').countDocuments()).toBe(0);
});
