// `_id` look-ups coalesced per turn of the event loop (libraries/mongo.ts, used by versioned.load for every
// progress read and every writer's first read), on the real FerretDB: concurrent look-ups must become one
// `_id` set read, and each caller must still get exactly its own document, as its own object.
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { coalescedFindById } from '../../bff/src/libraries/mongo';
import { testDatabaseUri, uniqueDbName } from '../support/test-server';

jest.setTimeout(60_000);

type Doc = { _id: string; n: number; big?: string };
let client: MongoClient;
const sent: { name: string; filter: unknown; projection: unknown }[] = [];

beforeAll(async () => {
  client = new MongoClient(testDatabaseUri(), { monitorCommands: true });
  client.on('commandStarted', (e: CommandStartedEvent) => {
    if (e.commandName === 'find') sent.push({ name: e.commandName, filter: e.command.filter, projection: e.command.projection });
  });
  await client.connect();
});
afterAll(() => client.close());

async function collectionWith(count: number) {
  const col = client.db(uniqueDbName('coalesce')).collection<Doc>('docs');
  await col.insertMany(Array.from({ length: count }, (_, n) => ({ _id: `d${n}`, n, big: 'x'.repeat(100) })));
  sent.length = 0;
  return col;
}

test('when 40 look-ups are asked in one turn, then one _id set read answers each with its own document or null', async () => {
  const col = await collectionWith(30);
  const find = coalescedFindById<Doc>(col, { big: 0 });
  const ids = [...Array.from({ length: 30 }, (_, n) => `d${n}`), ...Array.from({ length: 10 }, (_, n) => `missing${n}`)];
  const docs = await Promise.all(ids.map(find));
  expect(docs.slice(0, 30)).toEqual(Array.from({ length: 30 }, (_, n) => ({ _id: `d${n}`, n })));
  expect(docs.slice(30)).toEqual(Array(10).fill(null));
  expect(sent).toEqual([{ name: 'find', filter: { _id: { $in: ids } }, projection: { big: 0 } }]);
});

test('when one look-up is alone, then it is a plain findOne by _id, as before', async () => {
  const col = await collectionWith(3);
  const find = coalescedFindById<Doc>(col);
  expect(await find('d1')).toEqual({ _id: 'd1', n: 1, big: 'x'.repeat(100) });
  expect(sent).toEqual([{ name: 'find', filter: { _id: 'd1' }, projection: undefined }]);
});

test('when the same _id is asked twice in one turn, then each caller gets an object of its own', async () => {
  const col = await collectionWith(3);
  const find = coalescedFindById<Doc>(col);
  const [a, b, c] = await Promise.all([find('d0'), find('d0'), find('d2')]);
  expect(a).toEqual({ _id: 'd0', n: 0, big: 'x'.repeat(100) });
  expect(b).toEqual(a);
  expect(b).not.toBe(a);
  expect(c).toMatchObject({ _id: 'd2' });
  a!.n = 99; // one caller changing its copy changes nobody else's
  expect(b!.n).toBe(0);
  expect(sent).toHaveLength(2);
});

test('when look-ups come in later turns, then each turn reads what the database holds then', async () => {
  const col = await collectionWith(2);
  const find = coalescedFindById<Doc>(col);
  expect(await find('d0')).toMatchObject({ n: 0 });
  await col.updateOne({ _id: 'd0' }, { $set: { n: 5 } });
  expect(await find('d0')).toMatchObject({ n: 5 });
});

test('when the read fails, then every caller of that read gets the error', async () => {
  // A real client, closed: its reads fail as they would with the database gone.
  const closed = new MongoClient(testDatabaseUri());
  await closed.connect();
  const col = closed.db(uniqueDbName('coalesce')).collection<Doc>('docs');
  await closed.close();
  const find = coalescedFindById<Doc>(col);
  const many = await Promise.allSettled([find('a'), find('b'), find('c')]);
  expect(many.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  expect((await Promise.allSettled([find('a')]))[0].status).toBe('rejected');
});
