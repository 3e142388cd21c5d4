import pino, { type Logger } from 'pino';

// Personal data never reaches a log line: request bodies and auth headers are not logged at all, and
// these paths are censored in case a developer logs an object that carries them.
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.idNumber',
  '*.phone',
  '*.name',
  '*.password',
  '*.secret',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.code',
];

/** How long a quiet process may hold log lines in memory before writing them anyway. */
const FLUSH_INTERVAL_MS = 1000;

/**
 * Creates the process logger. `destination` lets tests capture every line to scan it for leaks.
 *
 * Without one, lines go to stdout through an asynchronous buffer (pino.destination with sync: false): a
 * synchronous write per request line cost about 40% of a busy process's CPU. Lines are written once 4 KiB
 * have gathered, or after at most FLUSH_INTERVAL_MS, and pino writes what remains synchronously when the
 * process exits (process.exit, the end of the event loop, an uncaught exception), so a normal stop loses
 * nothing; `flushLogger` lets a shutdown wait for it. A SIGKILL loses what is buffered: at most ~4 KiB or
 * one second of lines.
 */
export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  let destination = options.destination;
  if (!destination) {
    const buffered = pino.destination({ dest: 1, sync: false, minLength: 4096 });
    const timer = setInterval(() => {
      if (!(buffered as unknown as { destroyed?: boolean }).destroyed) buffered.flush();
    }, FLUSH_INTERVAL_MS).unref();
    buffered.once('close', () => clearInterval(timer));
    destination = buffered;
  }
  const logger = pino(
    {
      level: options.level,
      base: undefined,
      redact: { paths: REDACT, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
  requestLines.set(logger, pino({ level: options.level, base: undefined }, destination));
  return logger;
}

const requestLines = new WeakMap<Logger, Logger>();

/**
 * The logger of the one line per request (requestContext): the same destination and level, without
 * redaction. That line is made only of fields the BFF fixes (request id, method, route pattern, status,
 * duration), flat and without personal data by construction, so censoring it found nothing while it
 * cost more than the rest of the line (~5 µs a request). Everything else is logged with redaction.
 */
export function requestLineLogger(logger: Logger): Logger {
  return requestLines.get(logger) ?? logger;
}

/** Writes out every buffered line; resolves once they are written (or at once for a synchronous destination). */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

export type { Logger };
