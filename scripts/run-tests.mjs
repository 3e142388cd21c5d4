// `npm test`: every jest project in one run (unit, API on a fresh FerretDB, browser on the H5 build).
// Extra arguments pass through to jest, e.g. `npm test -- tests/bff/health`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const jest = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const args = [jest, '--config', 'config/jest.config.js', ...(process.env.CI ? ['--ci'] : []), ...process.argv.slice(2)];
const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, MALLOC_ARENA_MAX: '2' } });
process.exit(r.status ?? 1);
