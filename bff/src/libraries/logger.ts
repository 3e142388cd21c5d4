import fs from 'node:fs';
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
/** How many characters of lines are gathered before they are written (about 60 request lines). */
const BUFFER_CHARS = 8192;

/** A pino destination that can also write out what it holds at once (pino's `logger.flush`). */
type LineDestination = pino.DestinationStream & { flush(cb?: (err?: Error) => void): void };

/**
 * Lines gathered in memory and written to `fd` in one synchronous write once BUFFER_CHARS have gathered,
 * every FLUSH_INTERVAL_MS when quiet, and when the process exits. One system call per ~60 lines, none
 * per line, no thread-pool hand-off and nothing in flight that an exit could lose or reorder.
 * pino.destination({ sync: false, minLength }) did the same job at ~3 µs a line: SonicBoom measures the
 * byte length of the whole gathered string on every write (Buffer.byteLength of a growing string: 8% of
 * a busy process's CPU in the bench:api profile).
 * A pipe that is full for now (EAGAIN: stdout is non-blocking once Node has written to it) keeps what it
 * refused for the next flush; the last flushes (shutdown, exit) wait for it up to five seconds. Lines are
 * dropped only when more than 1 MiB waits on a stuck pipe, or when the descriptor is gone (EPIPE, EBADF):
 * logging never fails a request.
 */
function lineBuffer(fd: number): LineDestination {
  let parts: string[] = [];
  let size = 0;
  let held: Buffer | null = null;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const flushSync = (final = false) => {
    if (size === 0 && held === null) return;
    const gathered = Buffer.from(parts.join(''));
    const data = held ? Buffer.concat([held, gathered]) : gathered;
    parts = [];
    size = 0;
    held = null;
    let offset = 0;
    let waits = 0;
    while (offset < data.length) {
      try {
        offset += fs.writeSync(fd, data, offset);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return; // the descriptor is gone: nowhere to log
        if (final && waits++ < 500) {
          Atomics.wait(pause, 0, 0, 10);
          continue;
        }
        if (data.length - offset <= 1 << 20) held = data.subarray(offset);
        return;
      }
    }
  };
  const timer = setInterval(flushSync, FLUSH_INTERVAL_MS).unref();
  process.on('exit', () => {
    clearInterval(timer);
    flushSync(true);
  });
  return {
    write(line: string) {
      parts.push(line);
      size += line.length;
      if (size >= BUFFER_CHARS) flushSync();
    },
    flush(cb?: (err?: Error) => void) {
      flushSync(true);
      cb?.();
    },
  };
}

/**
 * Creates the process logger. `destination` lets tests capture every line to scan it for leaks; `fd` (default 1,
 * stdout) is where the buffered lines go without one.
 *
 * Without one, lines go to stdout through a buffer (`lineBuffer`): a synchronous write per request line
 * cost about 40% of a busy process's CPU. A normal stop loses nothing (the buffer is written out on exit
 * and by `flushLogger`); a SIGKILL loses what is gathered: at most ~8 KiB or one second of lines.
 */
export function createLogger(options: { level: string; destination?: pino.DestinationStream; fd?: number }): Logger {
  const destination = options.destination ?? lineBuffer(options.fd ?? 1);
  const logger = pino(
    {
      level: options.level,
      base: undefined,
      redact: { paths: REDACT, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
  requestLines.set(logger, { destination, enabled: logger.isLevelEnabled('info') });
  return logger;
}

const requestLines = new WeakMap<Logger, { destination: pino.DestinationStream; enabled: boolean }>();

/**
 * Writes the one line per request (requestContext) as pino would at level info, to the same destination,
 * but put together here: it is made only of fields the BFF fixes (an id of `[A-Za-z0-9._-]`, a method, the
 * route pattern, a status and a duration), flat and without personal data by construction, so pino's
 * redaction found nothing in it while it cost more than the rest of the line, and its generic
 * serialisation cost ~1.5 µs a request more than this. Returns a writer that does nothing when the
 * logger's level is above info.
 */
export function requestLineWriter(
  logger: Logger,
): (requestId: string, method: string, route: string, status: number, ms: number) => void {
  const target = requestLines.get(logger);
  if (!target) return (requestId, method, route, status, ms) => logger.info({ requestId, method, route, status, ms }, 'request');
  if (!target.enabled) return () => undefined;
  const { destination } = target;
  // Methods and route patterns are few: each is quoted for JSON once.
  const quoted = new Map<string, string>();
  const quote = (s: string) => {
    let q = quoted.get(s);
    if (q === undefined) {
      q = JSON.stringify(s);
      if (quoted.size < 1000) quoted.set(s, q);
    }
    return q;
  };
  return (requestId, method, route, status, ms) =>
    destination.write(
      `{"level":30,"time":${Date.now()},"requestId":"${requestId}","method":${quote(method)},"route":${quote(route)},"status":${status},"ms":${ms},"msg":"request"}\n`,
    );
}

/** Writes out every buffered line; resolves once they are written (or at once for a synchronous destination). */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

export type { Logger };
