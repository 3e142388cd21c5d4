// Process entry: config → database connection → HTTP → workers; graceful shutdown on SIGTERM/SIGINT.
import http from 'node:http';
import { ConfigError, loadConfig, type Config } from '../../config';
import { answerMalformedRequests } from './libraries/http';
import { createLogger, flushLogger } from './libraries/logger';
import { createConnection } from './libraries/mongo';
import { createComponents, createServer } from './server';

function fail(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

async function main() {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(`Configuration error — ${err.message}`);
    throw err;
  }
  const logger = createLogger({ level: config.LOG_LEVEL });
  const connection = createConnection(config.MONGODB_URI, config.MONGODB_DB);
  const components = createComponents({ config, logger, connection });
  const app = createServer({ config, logger, connection }, components);
  const server = http.createServer(app.callback());
  answerMalformedRequests(server);
  server.keepAliveTimeout = 65_000; // longer than common load balancer idle timeouts

  await new Promise<void>((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE')
        fail(`Port ${config.PORT} is already in use — set PORT to a free port (e.g. PORT=3001 npm start).`);
      if (err.code === 'EACCES') fail(`Port ${config.PORT} needs privileges — set PORT to a port above 1023.`);
      fail(`Cannot listen on ${config.HOST}:${config.PORT} — ${err.code ?? err.message}`);
    });
    server.listen(config.PORT, config.HOST, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ port }, 'listening');
  const now = new Date();
  const uncovered = components.calendar.uncoveredYears([now, new Date(now.getTime() + 31 * 86400_000)]);
  if (uncovered.length)
    logger.warn(
      { years: uncovered },
      'holiday schedule unknown for these years: deadlines fall back to Mon–Fri; set CALENDAR_OVERRIDES',
    );
  process.stdout.write(`出生"一件事" BFF listening on http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}\n`);

  // Background work: the sweeper removes abandoned drafts. Failures are logged and retried next round.
  const sweep = setInterval(() => {
    components.sweeper.sweepOnce().then(
      (r) => (r.drafts || r.idempotencyKeys || r.changes || r.archived || r.remarked) && logger.info(r, 'swept'),
      (err: Error) => logger.warn({ err: { message: err.message } }, 'sweep failed'),
    );
    components.smsQuota.sweep().catch((err: Error) => logger.warn({ err: { message: err.message } }, 'SMS quota sweep failed'));
  }, config.SWEEPER_INTERVAL_SECONDS * 1000);

  // 好差评 upkeep: finishes rating effects and case notices a crashed writer left, prunes case claims.
  const ratingsUpkeep = setInterval(() => {
    components.ratings.maintain().then(
      (r) => (r.ratings || r.cases || r.changes) && logger.info(r, 'ratings reconciled'),
      (err: Error) => logger.warn({ err: { message: err.message } }, 'ratings upkeep failed'),
    );
  }, 60_000);

  // The outbox relay delivers parent notices; any number of processes may run one (leases share the work).
  if (config.RELAY_ENABLED) components.relay.start(config.RELAY_INTERVAL_MS);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    clearInterval(sweep);
    clearInterval(ratingsUpkeep);
    server.close();
    server.closeIdleConnections();
    await components.relay.stop();
    await connection.close().catch(() => undefined);
    clearTimeout(force);
    // The log is buffered (libraries/logger.ts): write out every line before leaving. process.exit()
    // would flush it synchronously too; this also covers a destination that is slow to take it.
    await flushLogger(logger);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => fail(`Start-up failed — ${(err as Error).message}`));
