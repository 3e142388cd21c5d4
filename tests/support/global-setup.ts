// One throw-away FerretDB for the whole jest run: a fresh data folder, a random loopback port.
// Each test file then uses its own database name inside it (see test-server.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureFerretdb, startFerretdb, type RunningFerretdb } from '../../scripts/lib/ferretdb.cjs';

export default async function globalSetup(): Promise<void> {
  ensureFerretdb({ log: () => undefined });
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'birth-test-'));
  const db = await startFerretdb({ dataDir: path.join(runDir, 'db'), logFile: path.join(runDir, 'ferretdb.log') });
  process.env.TEST_MONGODB_URI = db.uri;
  process.env.TEST_RUN_DIR = runDir;
  (globalThis as { __FERRETDB__?: RunningFerretdb }).__FERRETDB__ = db;
}
