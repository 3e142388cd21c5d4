// A process that logs through the BFF's own stdout logger (libraries/logger.ts) while nobody reads its
// stdout: tests/bff/logging.pipe.test.ts. Writes LINES lines (Chinese text, so multi-byte characters cross
// every write boundary), says so on stderr, then exits normally.
import { createLogger, flushLogger } from '../../bff/src/libraries/logger';

const LINES = Number(process.argv[2] ?? 5000);
// Node makes its stdout pipe non-blocking once it writes to it, as the BFF's start.ts does.
process.stdout.write('');
const logger = createLogger({ level: 'info' });
for (let i = 0; i < LINES; i++) logger.info({ n: i }, `第${i}行：出生一件事办理进度`);
void flushLogger(logger).then(() => {
  process.stderr.write('written\n');
  process.exit(0);
});
