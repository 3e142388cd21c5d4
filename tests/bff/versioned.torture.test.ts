// The one write path under torture: many writers on one document, some stalled after committing, some
// killed at each step, some deciding on a read that grew old, and a late unisolated write that puts an
// earlier state back (what FerretDB's read-modify-write does when it lands after newer changes).
// Afterwards the document must equal a serial order of exactly the committed changes, and every
// writer's answer must match what happened to its change.
import { randomBytes } from 'node:crypto';
import { Schema, type Model } from 'mongoose';
import { createVersionedWriter, type WriterHooks } from '../../bff/src/libraries/versioned';
import { startTestServer, type TestServer } from '../support/test-server';

type Doc = { _id: string; version: number; log: string[] };

class Killed extends Error {
  constructor(readonly writer: string) {
    super(`writer ${writer} killed`);
  }
}

const codec = (() => {
  // A reversible stand-in for the field crypto that still proves payloads are not stored as given.
  const seal = (text: string) => Buffer.from(text).reverse().toString('base64');
  const open = (sealed: string) => Buffer.from(sealed, 'base64').reverse().toString();
  return { seal, open };
})();

let server: TestServer;
let Counter: Model<Doc>;
beforeAll(async () => {
  server = await startTestServer();
  Counter = server.connection.model<Doc>(
    'Counter',
    new Schema({ _id: String, version: Number, log: [String] }, { versionKey: false }),
  );
});
afterAll(() => server.close());

const writerWith = (hooks: WriterHooks = {}, extra: { maxDecisionAgeMs?: number } = {}) =>
  createVersionedWriter<Doc>(server.connection, Counter, 'counter_changes', { codec, hooks, attempts: 200, ...extra });

const newDoc = async () => {
  const _id = `doc-${randomBytes(4).toString('hex')}`;
  await Counter.create({ _id, version: 1, log: [] });
  return _id;
};

const claimsOf = (id: string) => writerWith().claimsOf(id);

test('when writers race, stall past others, die after claiming or applying, and decide on old reads, then the document is exactly the committed changes in claim order', async () => {
  const id = await newDoc();
  let releaseStalled!: () => void;
  const stalled = new Promise<void>((r) => (releaseStalled = r));
  const behaviours = ['normal', 'stall-after-claim', 'kill-after-claim', 'kill-after-apply', 'slow-decider'] as const;
  const writers = Array.from({ length: 25 }, (_, i) => ({ name: `w${i}`, behaviour: behaviours[i % behaviours.length] }));

  const decisions: Record<string, number> = {};
  const running = writers.map(async ({ name, behaviour }) => {
    const hooks: WriterHooks = {};
    if (behaviour === 'stall-after-claim') hooks.afterClaim = () => stalled;
    if (behaviour === 'kill-after-claim')
      hooks.afterClaim = async () => {
        throw new Killed(name);
      };
    if (behaviour === 'kill-after-apply')
      hooks.afterApply = async () => {
        throw new Killed(name);
      };
    const writer = writerWith(hooks, behaviour === 'slow-decider' ? { maxDecisionAgeMs: 200 } : {});
    const out = await writer.change(id, async (doc) => {
      decisions[name] = (decisions[name] ?? 0) + 1;
      if (behaviour === 'slow-decider' && decisions[name] === 1) {
        // Decide on a read that grows old: the writer must read again rather than commit it.
        await new Promise((r) => setTimeout(r, 400));
      }
      return { update: { $push: { log: name } }, result: doc!.version };
    });
    return { name, out };
  });
  // The stalled writers hold their answers until everyone else has finished: nobody waits for them.
  await Promise.allSettled(running.filter((_, i) => writers[i].behaviour !== 'stall-after-claim'));
  releaseStalled();
  const outcomes = await Promise.allSettled(running);

  const doc = (await writerWith().load(id))!;
  // No change twice, version = number of changes.
  expect(new Set(doc.log).size).toBe(doc.log.length);
  expect(doc.version).toBe(1 + doc.log.length);
  writers.forEach(({ name, behaviour }, i) => {
    const o = outcomes[i];
    if (behaviour === 'kill-after-claim' || behaviour === 'kill-after-apply') {
      // Killed after its claim was committed: the change is in, exactly once, applied by others if need be.
      expect(o.status).toBe('rejected');
      expect((o as PromiseRejectedResult).reason).toBeInstanceOf(Killed);
      expect(doc.log.filter((n) => n === name)).toHaveLength(1);
    } else {
      // Acknowledged (stalled ones included): in exactly once.
      expect(o.status).toBe('fulfilled');
      expect(doc.log.filter((n) => n === name)).toHaveLength(1);
    }
  });
  for (const { name, behaviour } of writers) if (behaviour === 'slow-decider') expect(decisions[name]).toBeGreaterThanOrEqual(2);
  // The order of the document is the order of the claims: claim v carries the change that made version v.
  const claims = await claimsOf(id);
  const order = claims.map((c) => (JSON.parse(codec.open(c.update!)) as { $push: { log: string } }).$push.log);
  expect(order).toEqual(doc.log);
  // Claims are sealed: no writer's name is stored as given.
  expect(JSON.stringify(claims)).not.toMatch(/"w\d+"/);
}, 120_000);

test('when a late unisolated write puts an earlier state back, then the next read brings back every committed change', async () => {
  const id = await newDoc();
  const writer = writerWith();
  await writer.change(id, () => ({ update: { $push: { log: 'a' } }, result: null }));
  const early = await Counter.findById(id).lean<Doc>();
  for (const name of ['b', 'c', 'd']) await writer.change(id, () => ({ update: { $push: { log: name } }, result: null }));
  // What FerretDB's read-modify-write of the first change writes when it lands last: state version 2.
  await Counter.replaceOne({ _id: id }, early!);
  expect((await Counter.findById(id).lean<Doc>())!.version).toBe(2);

  const repaired = await writer.load(id);
  expect(repaired).toMatchObject({ version: 5, log: ['a', 'b', 'c', 'd'] });
  // And a writer deciding now decides on the repaired state.
  const out = await writer.change(id, (d) => ({ update: { $push: { log: 'e' } }, result: d!.log.length }));
  expect(out.result).toBe(4);
  expect(out.doc).toMatchObject({ version: 6, log: ['a', 'b', 'c', 'd', 'e'] });
}, 60_000);

test('when a writer read the document before another committed, then its own commit loses and it decides again on the new state', async () => {
  const id = await newDoc();
  const writer = writerWith();
  const seen: number[] = [];
  let interfered = false;
  const out = await writer.change(id, async (doc) => {
    seen.push(doc!.version);
    if (!interfered) {
      interfered = true;
      await writerWith().change(id, () => ({ update: { $push: { log: 'other' } }, result: null }));
    }
    return { update: { $push: { log: 'mine' } }, result: null };
  });
  expect(seen).toEqual([1, 2]);
  expect(out.doc).toMatchObject({ version: 3, log: ['other', 'mine'] });
}, 60_000);

test('when a document is deleted and its claims redacted, then a writer that read it before cannot commit and no payload remains', async () => {
  const id = await newDoc();
  const writer = writerWith();
  await writer.change(id, () => ({ update: { $push: { log: 'personal' } }, result: null }));
  const seen: (number | null)[] = [];
  const out = await writer.change(id, async (d) => {
    seen.push(d?.version ?? null);
    if (seen.length === 1) {
      // Meanwhile the document is withdrawn (a committed change), deleted and its claims redacted.
      await writerWith().change(id, () => ({ update: { $push: { log: 'withdrawn' } }, result: null }));
      await Counter.deleteOne({ _id: id });
      await writer.redact(id);
    }
    return d ? { update: { $push: { log: 'late' } }, result: 'wrote' } : { result: 'gone' };
  });
  // The stale writer's claim collided with the kept (redacted) claim id, and on reading again it is gone.
  expect(seen).toEqual([2, null]);
  expect(out).toMatchObject({ result: 'gone', changed: false });
  const claims = await claimsOf(id);
  expect(claims.map((c) => c._id)).toEqual([`${id}:2`, `${id}:3`]);
  expect(claims.every((c) => c.update === undefined)).toBe(true);
}, 60_000);

test('when the sweeper prunes claims, then only applied ones older than the cut go', async () => {
  const id = await newDoc();
  const writer = writerWith();
  await writer.change(id, () => ({ update: { $push: { log: 'x' } }, result: null }));
  // A claim committed but never applied (its writer died), older than the cut: applied first, then pruned.
  await server.connection.collection('counter_changes').insertOne({
    _id: `${id}:3` as never,
    entityId: id,
    version: 3,
    writer: 'dead',
    update: codec.seal(JSON.stringify({ $push: { log: 'dead' }, $set: { version: 3 } })),
    createdAt: new Date(Date.now() - 3600_000),
  });
  expect(await writer.sweep(new Date(Date.now() + 1000))).toBeGreaterThanOrEqual(2);
  expect(await Counter.findById(id).lean()).toMatchObject({ version: 3, log: ['x', 'dead'] });
  expect(await claimsOf(id)).toEqual([]);
}, 60_000);

test('when many documents are loaded at once, some with a committed change not yet applied, then each is as load would read it', async () => {
  const ids = [await newDoc(), await newDoc(), await newDoc()];
  const writer = writerWith();
  await writer.change(ids[0], () => ({ update: { $push: { log: 'a' } }, result: null }));
  // A writer killed after claiming: its change is committed but not applied to the document.
  const killed = writerWith({
    afterClaim: async () => {
      throw new Killed('k');
    },
  });
  await expect(killed.change(ids[1], () => ({ update: { $push: { log: 'b' } }, result: null }))).rejects.toThrow(Killed);
  expect((await Counter.findById(ids[1]).lean<Doc>())!.version).toBe(1);

  const loaded = await writer.loadMany([...ids, 'doc-missing']);
  const byId = new Map(loaded.map((d) => [d._id, d]));
  expect([...byId.keys()].sort()).toEqual([...ids].sort());
  expect(byId.get(ids[0])).toMatchObject({ version: 2, log: ['a'] });
  expect(byId.get(ids[1])).toMatchObject({ version: 2, log: ['b'] });
  expect(byId.get(ids[2])).toMatchObject({ version: 1, log: [] });
});

test('when a writer starts from a document it loaded and someone commits before it, then its commit loses and it decides again on the new state', async () => {
  const id = await newDoc();
  const writer = writerWith();
  const readAt = Date.now();
  const start = (await writer.load(id))!;
  await writer.change(id, () => ({ update: { $push: { log: 'other' } }, result: null }));
  const seen: string[][] = [];
  const out = await writer.change(
    id,
    (d) => {
      seen.push([...d!.log]);
      return { update: { $push: { log: 'mine' } }, result: null };
    },
    { doc: start, readAt },
  );
  // First on the given (now old) state, whose commit lost; then on the state with the other change.
  expect(seen).toEqual([[], ['other']]);
  expect(out.doc).toMatchObject({ version: 3, log: ['other', 'mine'] });
});

test('when a reader leaves fields out and a committed change is not yet applied, then it gets the change applied, without those fields', async () => {
  const id = await newDoc();
  const killed = writerWith({
    afterClaim: async () => {
      throw new Killed('k');
    },
  });
  await expect(killed.change(id, () => ({ update: { $push: { log: 'c' } }, result: null }))).rejects.toThrow(Killed);
  expect((await Counter.findById(id).lean<Doc>())!.version).toBe(1);

  const partial = await writerWith().load(id, ['log']);
  expect(partial).toEqual({ _id: id, version: 2 });
  // Applied in full: the fields left out were only not read.
  expect(await Counter.findById(id).lean<Doc>()).toMatchObject({ version: 2, log: ['c'] });
  // `version` and `_id` are always read, even when asked to be left out.
  expect(await writerWith().load(id, ['version', '_id', 'log'])).toEqual({ _id: id, version: 2 });
});
