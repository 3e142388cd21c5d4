// The BFF as the benchmarks run it in their own process: test mode (dev accounts, no log), on the given
// database, listening on a random loopback port. The benchmarks' clients are few and fast, so the request
// limits are out of the way, and they submit forms without ID photos (bench:photos measures photos).
// `env` adds to and overrides these defaults.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../config';
import { createLogger } from '../../bff/src/libraries/logger';
import { createConnection } from '../../bff/src/libraries/mongo';
import { createComponents, createServer } from '../../bff/src/server';

export async function startInProcessBff(env: Record<string, string> & { MONGODB_URI: string; MONGODB_DB: string }) {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    STATIC_DIR: '',
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
    RATE_LIMIT_PARENT_PER_MINUTE: '100000',
    SUBMIT_REQUIRES_ID_MATERIALS: 'false',
    ...env,
  });
  const connection = createConnection(config.MONGODB_URI, config.MONGODB_DB);
  const deps = { config, logger: createLogger({ level: 'silent' }), connection };
  const components = createComponents(deps);
  const server = http.createServer(createServer(deps, components).callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    config,
    connection,
    components,
    server,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Stops answering (open connections closed) and closes the database connection. */
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await connection.close();
    },
  };
}
