// The request log is written through a buffer (bff/src/libraries/logger.ts): a normal stop must still
// write every line. The real process (start.ts) with its normal destination, stdout, stopped by SIGTERM.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { testDatabaseUri, uniqueDbName } from '../support/test-server';

const ROOT = path.resolve(__dirname, '..', '..');

test('when the BFF is stopped with SIGTERM, then every request it answered has its log line', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bff/src/start.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      STATIC_DIR: '',
      PORT: '0',
      RELAY_ENABLED: 'false',
      MONGODB_URI: testDatabaseUri(),
      MONGODB_DB: uniqueDbName('logflush'),
    },
  });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`BFF exited with ${code} before listening`)));
  });
  // Few and small: together far under the 4 KiB the buffer writes at, so they are all still buffered
  // unless the one-second flush happened to run.
  const ids = Array.from({ length: 12 }, (_, i) => `flush-test-${i}-${Date.now()}`);
  for (const id of ids) {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { 'x-request-id': id } });
    expect(res.status).toBe(200);
  }
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  const lines = stdout.split('\n').filter((l) => l.includes('"msg":"request"'));
  for (const id of ids) expect(lines.filter((l) => l.includes(`"requestId":"${id}"`))).toHaveLength(1);
  expect(stdout).toContain('"msg":"shutting down"');
}, 120_000);
