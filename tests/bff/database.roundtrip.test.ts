import { Schema } from 'mongoose';
import { isDuplicateKeyError } from '../../bff/src/libraries/mongo';
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
});
