// One WeChat access token for all workers: two token holders on separate database connections (as two
// BFF processes would have) race for it, against the local WeChat fake that counts stable_token calls.
// The clock is injected; waiting is on answers and database reads, never on time.
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { createFieldCrypto } from '../../../bff/src/libraries/crypto';
import { createConnection } from '../../../bff/src/libraries/mongo';
import { createWechatPush } from '../../../bff/src/providers/push/wechat.push';
import { createWechatTokenHolder } from '../../../bff/src/providers/push/wechat-token-holder';
import { startWechatFake, type WechatFake } from '../../support/fakes';
import { testDatabaseUri, uniqueDbName } from '../../support/test-server';

const APP = { appId: 'wx0123456789abcdef', appSecret: 'app-secret-0123456789abcdef012345' };
const OPENID = 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o';
const crypto = createFieldCrypto(randomBytes(32).toString('base64'), randomBytes(32).toString('base64'));

let fake: WechatFake;
let connections: Connection[];
let clock = Date.parse('2026-03-02T02:00:00Z');
const now = () => clock;

beforeEach(async () => {
  fake = await startWechatFake(APP);
  const db = uniqueDbName('token');
  connections = [createConnection(testDatabaseUri(), db), createConnection(testDatabaseUri(), db)];
});
afterEach(async () => {
  await connections[0]!.dropDatabase().catch(() => undefined);
  await Promise.all(connections.map((c) => c.close()));
  await fake.close();
});

const holder = (connection: Connection, extra: Partial<Parameters<typeof createWechatTokenHolder>[0]> = {}) =>
  createWechatTokenHolder({ baseUrl: fake.url, ...APP, timeoutMs: 5000, connection, crypto, now, pollMs: 10, ...extra });

const message = (n: number) => ({
  toUser: OPENID,
  templateId: 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc',
  data: { thing1: '出生医学证明', phrase2: '已办结' },
  idempotencyKey: `k-${n}`,
});

describe('WeChat access token shared by every process', () => {
  test('When two processes need a token at once and none exists, then stable_token is called once and both use it', async () => {
    const [a, b] = [holder(connections[0]!), holder(connections[1]!)];
    const tokens = await Promise.all([a.get(), b.get(), a.get(), b.get()]);
    expect(fake.tokenRequests()).toBe(1);
    expect(new Set(tokens).size).toBe(1);
  });

  test('When the token reaches its refresh time, then one process refreshes it before expiry and the other reads it', async () => {
    const [a, b] = [holder(connections[0]!), holder(connections[1]!)];
    await Promise.all([a.get(), b.get()]);
    // WeChat tokens live 7200 s; the refresh starts 5 minutes before.
    clock += 7200_000 - 290_000;
    fake.revokeAccessTokens(); // the platform rotates: normal mode now hands out a new token
    const tokens = await Promise.all([a.get(), b.get()]);
    expect(fake.tokenRequests()).toBe(2);
    // The loser may keep the old token (still valid until expiry); once read again both hold the new one.
    const again = await Promise.all([a.get(), b.get()]);
    expect(new Set(again).size).toBe(1);
    expect(tokens).toContain(again[0]);
  });

  test('When the token is rejected (40001) in two processes at once, then it is refreshed once for all and both messages go out', async () => {
    const pushes = connections.map((connection) =>
      createWechatPush({ baseUrl: fake.url, ...APP, timeoutMs: 5000, tokens: holder(connection) }),
    );
    await Promise.all(pushes.map((p, i) => p.send(message(i))));
    expect(fake.tokenRequests()).toBe(1);
    fake.revokeAccessTokens();
    await Promise.all(pushes.map((p, i) => p.send(message(10 + i))));
    expect(fake.tokenRequests()).toBe(2);
    expect(fake.sent).toHaveLength(4);
  });

  test('When the process refreshing died holding the lock, then another takes over once the lock is stale', async () => {
    const a = holder(connections[0]!, { lockStaleMs: 30_000 });
    await connections[0]!.collection('provider_tokens').insertOne({
      _id: `wechat:${APP.appId}:lock:none:0`,
      at: new Date(clock - 60_000),
    } as never);
    await expect(a.get()).resolves.toMatch(/^ACCESS_TOKEN_/);
    expect(fake.tokenRequests()).toBe(1);
  });

  test('When the token is stored, then the database holds it encrypted', async () => {
    const token = await holder(connections[0]!).get();
    const doc = await connections[1]!.collection('provider_tokens').findOne({ _id: `wechat:${APP.appId}` } as never);
    expect(doc).toBeTruthy();
    expect(JSON.stringify(doc)).not.toContain(token);
  });
});
