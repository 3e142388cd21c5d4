import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { loadConfig, ConfigError } from '../../config';
import { testDatabaseUri } from '../support/test-server';

const ROOT = path.resolve(__dirname, '..', '..');
// One process (not the tsx CLI, which wraps a second one), so signals reach start.ts directly.
const START = ['--import', 'tsx', 'bff/src/start.ts'];

function runStart(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, START, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', STATIC_DIR: '', LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), SPAWN_TIMEOUT_MS - 10_000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}

const PRODUCTION_SECRETS = {
  JWT_SECRET: 'x'.repeat(40),
  DATA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
  DEPT_CLIENTS: 'police:police-system:s3cret-police-0123456789',
  OPERATOR_CLIENTS: 'ops-console:s3cret-ops-0123456789',
};

describe('configuration', () => {
  test('when NODE_ENV is development and nothing else is set but MONGODB_URI, then development defaults apply', () => {
    const c = loadConfig({ NODE_ENV: 'development', MONGODB_URI: 'mongodb://127.0.0.1:27017/' });
    expect(c.PORT).toBe(3000);
    expect(c.NODE_ENV).toBe('development');
    expect(Buffer.from(c.DATA_ENCRYPTION_KEY, 'base64')).toHaveLength(32);
    expect(c.DATA_ENCRYPTION_KEY).not.toBe(c.BLIND_INDEX_KEY);
  });

  test('when several keys are bad, then one error names each of them', () => {
    let err: unknown;
    try {
      loadConfig({ MONGODB_URI: 'postgres://x', PORT: '70000', JWT_SECRET: 'short' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/MONGODB_URI: /);
    expect(msg).toMatch(/PORT: /);
    expect(msg).toMatch(/JWT_SECRET: /);
  });

  test('when NODE_ENV is production without secrets, then start-up is refused naming them', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', MONGODB_URI: 'mongodb://db:27017/' })).toThrow(
      /JWT_SECRET: required when NODE_ENV=production.*; DATA_ENCRYPTION_KEY: required.*; BLIND_INDEX_KEY: required.*; DEPT_CLIENTS: required.*; OPERATOR_CLIENTS: required/,
    );
  });

  test('when NODE_ENV is not set, then it is production: no dev defaults', () => {
    expect(() => loadConfig({ MONGODB_URI: 'mongodb://db:27017/' })).toThrow(/JWT_SECRET: required when NODE_ENV=production/);
    const c = loadConfig({ MONGODB_URI: 'mongodb://db:27017/', ...PRODUCTION_SECRETS });
    expect(c.NODE_ENV).toBe('production');
  });

  test('when production is given the public development secrets or dev accounts, then start-up is refused', () => {
    const dev = loadConfig({ NODE_ENV: 'development', MONGODB_URI: 'mongodb://db:27017/' });
    const err = (() => {
      try {
        loadConfig({
          MONGODB_URI: 'mongodb://db:27017/',
          JWT_SECRET: dev.JWT_SECRET,
          DATA_ENCRYPTION_KEY: dev.DATA_ENCRYPTION_KEY,
          BLIND_INDEX_KEY: dev.BLIND_INDEX_KEY,
          DEPT_CLIENTS: 'police:dev-police:dev-police-secret',
          OPERATOR_CLIENTS: 'dev-operator:dev-operator-secret',
        });
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    for (const key of ['JWT_SECRET', 'DATA_ENCRYPTION_KEY', 'BLIND_INDEX_KEY'])
      expect(err!.message).toMatch(new RegExp(`${key}: the development default must not be used in production`));
    expect(err!.message).toMatch(/DEPT_CLIENTS: dev-… accounts are not allowed/);
    expect(err!.message).toMatch(/OPERATOR_CLIENTS: dev-… accounts are not allowed/);
  });

  test('when STATIC_DIR is empty, then no app is served (empty is a value, not "unset")', () => {
    expect(loadConfig({ NODE_ENV: 'test', MONGODB_URI: 'mongodb://db:27017/', STATIC_DIR: '' }).STATIC_DIR).toBe('');
    expect(loadConfig({ NODE_ENV: 'test', MONGODB_URI: 'mongodb://db:27017/' }).STATIC_DIR).toBe('miniapp/dist/h5');
  });
});

// Spawning node with tsx takes seconds, more on a loaded machine: these wait on the process, with a
// generous explicit limit, never on the machine's speed.
const SPAWN_TIMEOUT_MS = 120_000;

describe('start-up failures print one clear line', () => {
  test(
    'when NODE_ENV is not set and no secrets are given, then the process exits 1 naming the key',
    async () => {
      const r = await runStart({ NODE_ENV: '', MONGODB_URI: testDatabaseUri() });
      expect(r.code).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Configuration error — JWT_SECRET: required when NODE_ENV=production/);
    },
    SPAWN_TIMEOUT_MS,
  );

  test(
    'when MONGODB_URI is malformed, then the process exits 1 with one line naming the key',
    async () => {
      const r = await runStart({ MONGODB_URI: 'mongo://nowhere' });
      expect(r.code).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Configuration error — MONGODB_URI: must be a MongoDB connection string/);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    },
    SPAWN_TIMEOUT_MS,
  );

  test(
    'when the port is taken, then the process exits 1 with one line naming the port',
    async () => {
      const blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const port = (blocker.address() as net.AddressInfo).port;
      try {
        const r = await runStart({ MONGODB_URI: testDatabaseUri(), PORT: String(port) });
        expect(r.code).toBe(1);
        expect(r.stderr.trim().split('\n')).toEqual([
          `Port ${port} is already in use — set PORT to a free port (e.g. PORT=3001 npm start).`,
        ]);
      } finally {
        blocker.close();
      }
    },
    SPAWN_TIMEOUT_MS,
  );

  test(
    'when everything is fine, then it prints where it listens and stops cleanly on SIGTERM',
    async () => {
      const child = spawn(process.execPath, START, {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          STATIC_DIR: '',
          LOG_LEVEL: 'silent',
          MONGODB_URI: testDatabaseUri(),
          PORT: '0',
        },
      });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      const url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no listen line: ${stdout}`)), SPAWN_TIMEOUT_MS - 10_000);
        child.stdout.on('data', () => {
          const m = /listening on (http:\/\/\S+)/.exec(stdout);
          if (m) {
            clearTimeout(t);
            resolve(m[1]);
          }
        });
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    },
    SPAWN_TIMEOUT_MS,
  );
});
