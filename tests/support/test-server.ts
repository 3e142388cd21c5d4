// Starts the real BFF (createServer) on a random loopback port against the run's FerretDB, with a
// database of its own and every log line captured, so a test can check what it logged.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Connection } from 'mongoose';
import { loadConfig, type Config } from '../../config';
import { createLogger } from '../../bff/src/libraries/logger';
import { answerMalformedRequests } from '../../bff/src/libraries/http';
import { createConnection } from '../../bff/src/libraries/mongo';
import { createComponents, createServer, type Components, type ServerDeps } from '../../bff/src/server';
import { checkResponse } from './contract';
import { findPersonalData } from './leaks';

export type TestServer = {
  url: string;
  config: Config;
  connection: Connection;
  logs: string[];
  components: Components;
  close(): Promise<void>;
};

export function testDatabaseUri(): string {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: run tests through `npm test` (jest globalSetup starts FerretDB)');
  return uri;
}

export function uniqueDbName(prefix = 't'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/**
 * Two connections with pools of their own to one fresh database of the run's FerretDB: what two BFF
 * processes would be. `close` drops the database and closes both.
 */
export async function twoConnections(prefix: string): Promise<{ a: Connection; b: Connection; close(): Promise<void> }> {
  const db = uniqueDbName(prefix);
  const a = createConnection(testDatabaseUri(), db);
  const b = createConnection(testDatabaseUri(), db);
  await Promise.all([a.asPromise(), b.asPromise()]);
  return {
    a,
    b,
    async close() {
      await a.dropDatabase().catch(() => undefined);
      await Promise.all([a.close(), b.close()]);
    },
  };
}

export async function startTestServer(
  env: Record<string, string> = {},
  deps: Partial<Pick<ServerDeps, 'now' | 'guide' | 'calendar' | 'identity' | 'writerHooks'>> = {},
): Promise<TestServer> {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const config = loadConfig({
    NODE_ENV: 'test',
    MONGODB_URI: testDatabaseUri(),
    MONGODB_DB: uniqueDbName(),
    LOG_LEVEL: 'info',
    STATIC_DIR: '',
    // Tests log in far more often than people; the limit itself has its own test.
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
    RATE_LIMIT_PARENT_PER_MINUTE: '100000',
    // Suites about other features submit without ID photos; the photo suites turn this back on.
    SUBMIT_REQUIRES_ID_MATERIALS: 'false',
    // Suites about other features see each notice at once and by dev push; the notice suites turn the
    // channel policy (subscriptions, confirmed phones, quiet hours, combining) back on.
    DEV_PUSH_WITHOUT_SUBSCRIPTION: 'true',
    SMS_REQUIRE_CONFIRMED_PHONE: 'false',
    SMS_QUIET_HOURS: 'off',
    NOTICE_COMBINE_WINDOW_SECONDS: '0',
    ...env,
  });
  const logger = createLogger({ level: config.LOG_LEVEL, destination });
  const connection = createConnection(config.MONGODB_URI, config.MONGODB_DB);
  const components = createComponents({ config, logger, connection, ...deps });
  const app = createServer({ config, logger, connection, ...deps }, components);
  const server = http.createServer(app.callback());
  answerMalformedRequests(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    connection,
    logs,
    components,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.dropDatabase().catch(() => undefined);
      await connection.close();
      // Every test file that starts a server checks its whole log: no ID number or phone, ever.
      const leaks = findPersonalData(logs.join(''));
      if (leaks.length) {
        // Say where, without repeating the value: the line it is in, with every digit run masked.
        const line =
          logs
            .join('')
            .split('\n')
            .find((l) => l.includes(leaks[0]!)) ?? '';
        const where = line.replace(/\d{4,}/g, (d) => `<${d.length} digits>`).slice(0, 400);
        throw new Error(`personal data in the BFF log: ${leaks.length} value(s), e.g. ${leaks[0]!.slice(0, 3)}… in: ${where}`);
      }
    },
  };
}

export type ApiResponse<T = any> = { status: number; headers: Headers; body: T };

/**
 * A tiny JSON client over real HTTP. Every response is checked against the API contract (contract.ts):
 * a body that does not match its operation's schema, or an undocumented status, fails the test.
 */
export async function api<T = any>(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string | Buffer } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Buffer | undefined = options.rawBody;
  if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await fetch(`${base}${path}`, { method, headers, body: body as BodyInit | undefined });
  const text = await res.text();
  let parsed: unknown = text;
  const contentType = res.headers.get('content-type') ?? '';
  if (contentType.includes('json') && text) parsed = JSON.parse(text);
  checkResponse(method, path, { status: res.status, contentType, body: parsed, empty: text.length === 0 });
  return { status: res.status, headers: res.headers, body: parsed as T };
}
