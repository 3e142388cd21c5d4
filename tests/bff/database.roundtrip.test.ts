import { Schema } from 'mongoose';
import { isDuplicateKeyError } from '../../bff/src/libraries/mongo';
import { createVersionedWriter } from '../../bff/src/libraries/versioned';
import { startTestServer, type TestServer } from '../support/test-server';

describe('mongoose on FerretDB', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const Thing = () =>
    server.connection.models.Thing ??
    server.connection.model(
      'Thing',
      new Schema({ key: { type: String, required: true, unique: true }, n: Number, nested: { a: String } }),
    );

  test('when a document is written, then it reads back equal, nested fields included', async () => {
    await Thing().init();
    const created = await Thing().create({ key: 'round-trip', n: 42, nested: { a: '中文' } });
    const found = await Thing().findById(created._id).lean();
    expect(found).toMatchObject({ key: 'round-trip', n: 42, nested: { a: '中文' } });
  });

  test('when a unique key is written twice, then the second write fails with the duplicate-key code', async () => {
    await Thing().init();
    await Thing().create({ key: 'only-once' });
    const err = await Thing()
      .create({ key: 'only-once' })
      .catch((e: unknown) => e);
    expect(isDuplicateKeyError(err)).toBe(true);
    expect(await Thing().countDocuments({ key: 'only-once' })).toBe(1);
  });

  test('when a filter carries an operator object from a JSON body, then sanitizeFilter neutralises it', async () => {
    await Thing().create({ key: 'secret-row' });
    const fromBody = JSON.parse('{"key": {"$ne": null}}');
    // Without sanitizeFilter this query returns every row; with it the operator becomes a literal ($eq),
    // which a string path refuses to cast.
    await expect(Thing().find(fromBody).lean()).rejects.toMatchObject({ name: 'CastError' });
  });

  test('when ten writers race for the same version, then exactly one wins and its change is the one kept', async () => {
    const Versioned = () =>
      server.connection.models.Versioned ??
      server.connection.model('Versioned', new Schema({ _id: String, version: Number, log: [String] }, { versionKey: false }));
    const writer = createVersionedWriter<{ _id: string; version: number }>(
      server.connection,
      Versioned() as never,
      'versioned_changes',
    );
    await Versioned().create({ _id: 'doc-1', version: 1, log: [] });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        writer.updateIfVersion('doc-1', 1, { $inc: { version: 1 }, $push: { log: `writer-${i}` } }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const doc = await Versioned().findById('doc-1').lean<{ version: number; log: string[] }>();
    expect(doc!.version).toBe(2);
    expect(doc!.log).toEqual([`writer-${results.indexOf(true)}`]);
  });

  test('when a writer dies after claiming a version, then the next writer applies its change instead of being stuck', async () => {
    const Versioned = () => server.connection.models.Versioned!;
    const writer = createVersionedWriter<{ _id: string; version: number }>(
      server.connection,
      Versioned() as never,
      'versioned_changes',
    );
    await Versioned().create({ _id: 'doc-2', version: 1, log: [] });
    // The dead writer's claim: written, never applied, older than the stale limit.
    await server.connection.collection('versioned_changes').insertOne({
      _id: 'doc-2:2' as never,
      entityId: 'doc-2',
      filter: JSON.stringify({ _id: 'doc-2', version: 1 }),
      update: JSON.stringify({ $inc: { version: 1 }, $push: { log: 'dead-writer' } }),
      createdAt: new Date(Date.now() - 60_000),
    });
    expect(await writer.updateIfVersion('doc-2', 1, { $inc: { version: 1 }, $push: { log: 'late' } })).toBe(false);
    const doc = await Versioned().findById('doc-2').lean<{ version: number; log: string[] }>();
    expect(doc).toMatchObject({ version: 2, log: ['dead-writer'] });
    expect(await writer.updateIfVersion('doc-2', 2, { $inc: { version: 1 }, $push: { log: 'next' } })).toBe(true);
  });
});
