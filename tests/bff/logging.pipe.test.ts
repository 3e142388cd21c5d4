// The process log is written to stdout in batches (libraries/logger.ts, lineBuffer). When the reader of
// that pipe falls behind, the pipe refuses writes (EAGAIN): nothing may be lost, reordered or cut in the
// middle of a character, and the process must still exit once the reader catches up.
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

test('when stdout is not read while 5,000 lines are logged, then every line arrives whole and in order once it is', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/log-writer.ts', '5000'], { cwd: ROOT });
  // Nobody reads stdout until the writer has logged everything: far more than a pipe holds (64 KiB).
  child.stdout.pause();
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.includes('written')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`exited (${code}) before logging everything: ${stderr}`)));
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => chunks.push(d));
  child.stdout.resume();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code).toBe(0);
  const lines = Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean);
  expect(lines).toHaveLength(5000);
  lines.forEach((line, i) => {
    const parsed = JSON.parse(line) as { n: number; msg: string };
    expect([parsed.n, parsed.msg]).toEqual([i, `第${i}行：出生一件事办理进度`]);
  });
}, 120_000);
