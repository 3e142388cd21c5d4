import fs from 'node:fs';
import type { RunningFerretdb } from '../../scripts/lib/ferretdb.cjs';

export default async function globalTeardown(): Promise<void> {
  const db = (globalThis as { __FERRETDB__?: RunningFerretdb }).__FERRETDB__;
  await db?.stop();
  const runDir = process.env.TEST_RUN_DIR;
  if (runDir && !process.env.KEEP_TEST_DATA) fs.rmSync(runDir, { recursive: true, force: true });
}
