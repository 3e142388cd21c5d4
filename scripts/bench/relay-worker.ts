// One outbox relay in a process of its own, as a BFF runs it (real notifier, subscriptions, WeChat push and
// Aliyun SMS adapters over HTTP), for the crash and cap tests and `npm run bench:relay`. Not an entry point
// for production (start.ts runs the relay there). Settings from the environment:
//   MONGODB_URI, MONGODB_DB            the database (NODE_ENV=test keys, the same in every process)
//   RELAY_WX_URL, RELAY_SMS_URL        the local WeChat and Aliyun fakes (credentials below)
//   RELAY_LEASE_MS, RELAY_CONCURRENCY, RELAY_BATCH, RELAY_WORKER_ID
//   RELAY_SMS_CAPS=perHour,perDay     per-recipient SMS caps through the shared quota library (optional)
//   RELAY_NOW=ISO instant              a fixed clock (optional; the real one otherwise)
// Prints `ready`, then one JSON line per round that did something; exits on SIGTERM after its round.
import { loadConfig } from '../../config';
import { createApplicationsRepository } from '../../bff/src/components/applications/applications.repository';
import { createNotifier, createOutboxRelay, smsLimits, type Notice } from '../../bff/src/components/notifications';
import { createSubscriptionsStore } from '../../bff/src/components/subscriptions';
import { createFieldCrypto } from '../../bff/src/libraries/crypto';
import { createConnection } from '../../bff/src/libraries/mongo';
import { createQuota } from '../../bff/src/libraries/quota';
import { createWechatPush } from '../../bff/src/providers/push/wechat.push';
import { createAliyunSms } from '../../bff/src/providers/sms/aliyun.sms';

export const WORKER_WX = { appId: 'wx-relay-worker-app', appSecret: 'wx-relay-worker-secret-0123456789' };
export const WORKER_SMS = {
  accessKeyId: 'LTAI-relay-worker',
  accessKeySecret: 'aliyun-relay-worker-secret-0123456789',
  signName: '浙里办出生一件事',
};
export const workerFormats = {
  push: (n: Notice) => ({ templateId: `T-${n.template}`, data: { thing1: n.title.slice(0, 20), thing2: n.body.slice(0, 20) } }),
  sms: (n: Notice) => ({ templateCode: `SMS_${n.template}`, params: { title: n.title, body: n.body } }),
};

async function main() {
  const env = process.env;
  const config = loadConfig({ ...env, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const connection = createConnection(config.MONGODB_URI, config.MONGODB_DB);
  const crypto = createFieldCrypto(config.DATA_ENCRYPTION_KEY, config.BLIND_INDEX_KEY);
  const fixed = env.RELAY_NOW ? new Date(env.RELAY_NOW) : null;
  const now = () => (fixed ? new Date(fixed) : new Date());
  const caps = env.RELAY_SMS_CAPS?.split(',').map(Number);
  const deliver = createNotifier({
    connection,
    crypto,
    now,
    push: createWechatPush({ baseUrl: env.RELAY_WX_URL!, ...WORKER_WX, timeoutMs: 10_000 }),
    sms: createAliyunSms({ endpoint: env.RELAY_SMS_URL!, ...WORKER_SMS, timeoutMs: 10_000 }),
    subscriptions: createSubscriptionsStore({ connection, crypto, now }),
    formats: workerFormats,
    policy: caps
      ? { quota: createQuota({ connection, collection: 'sms_quota', now }), smsLimits: smsLimits(caps[0], caps[1]) }
      : {},
  });
  const relay = createOutboxRelay({
    connection,
    applications: createApplicationsRepository(connection, crypto),
    deliver,
    now,
    workerId: env.RELAY_WORKER_ID,
    leaseMs: Number(env.RELAY_LEASE_MS ?? 30_000),
    concurrency: Number(env.RELAY_CONCURRENCY ?? 4),
    batchSize: Number(env.RELAY_BATCH ?? 50),
  });
  let stopping = false;
  process.on('SIGTERM', () => (stopping = true));
  await connection.asPromise();
  process.stdout.write('ready\n');
  while (!stopping) {
    const r = await relay.runOnce().catch((err: Error) => {
      process.stderr.write(`round failed: ${err.message}\n`);
      return { delivered: 0, retried: 0, dead: 0 };
    });
    if (r.delivered || r.retried || r.dead) process.stdout.write(`${JSON.stringify(r)}\n`);
    else await new Promise((resolve) => setTimeout(resolve, 20)); // idle: poll again shortly, as start() does
  }
  await connection.close();
  process.exit(0);
}

if (require.main === module) void main();
