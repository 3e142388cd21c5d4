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

/** Creates the process logger. `destination` lets tests capture every line to scan it for leaks. */
export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: undefined,
      redact: { paths: REDACT, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    options.destination,
  );
}

export type { Logger };
