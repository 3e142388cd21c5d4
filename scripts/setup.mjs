// Sets up whatever is missing before `npm start` or `npm test`, and nothing that is already there:
// npm packages, the FerretDB binary, the H5 build, and for tests Debian's Chromium with CJK fonts.
// Runs before `npm install`, so it uses Node's standard library only.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const purpose = (process.argv.find((a) => a.startsWith('--for=')) || '--for=start').slice(6);
const log = (line) => console.log(`[setup] ${line}`);

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
}

function hashOf(paths) {
  const h = createHash('sha256');
  const walk = (p) => {
    if (!fs.existsSync(p)) return;
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p).sort()) if (name !== 'node_modules' && name !== 'dist') walk(path.join(p, name));
    } else {
      h.update(path.relative(ROOT, p));
      h.update(fs.readFileSync(p));
    }
  };
  paths.forEach((p) => walk(path.join(ROOT, p)));
  return h.digest('hex');
}

// npm packages: reinstall when the lockfile or any manifest changed since the last install.
function ensurePackages() {
  const marker = path.join(ROOT, 'node_modules', '.setup-hash');
  const want = hashOf(['package.json', 'package-lock.json', 'shared/package.json', 'bff/package.json', 'miniapp/package.json']);
  if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === want) return;
  log('installing npm packages (npm install; the committed lockfile pins every version)…');
  // `npm ci` fails here: the lockfile lacks other platforms' optional native packages (see TOOLCHAIN.md).
  sh('npm', ['install', '--no-audit', '--no-fund']);
  fs.writeFileSync(
    marker,
    hashOf(['package.json', 'package-lock.json', 'shared/package.json', 'bff/package.json', 'miniapp/package.json']),
  );
}

function ensureDatabase() {
  if (process.env.MONGODB_URI && purpose === 'start') {
    log('MONGODB_URI is set: using that database, not the embedded FerretDB');
    return;
  }
  require('./lib/ferretdb.cjs').ensureFerretdb({ log: (l) => console.log(l) });
}

// The H5 build is rebuilt only when its sources changed (content hash, since a fresh clone has new mtimes).
function ensureH5Build() {
  const out = path.join(ROOT, 'miniapp', 'dist', 'h5');
  const marker = path.join(out, '.build-hash');
  const want = hashOf(['miniapp/src', 'miniapp/config', 'miniapp/babel.config.js', 'miniapp/package.json', 'shared/src']);
  if (fs.existsSync(path.join(out, 'index.html')) && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === want) return;
  log('building the H5 app (taro build --type h5)…');
  sh('npm', ['run', 'build:h5', '--silent']);
  fs.writeFileSync(marker, want);
}

function hasCjkFont() {
  const r = spawnSync('fc-list', [':lang=zh'], { encoding: 'utf8' });
  return !r.error && r.status === 0 && r.stdout.trim().length > 0;
}

/**
 * Installs Debian packages as root. Another apt (a second setup running at the same time, unattended
 * upgrades) holds the dpkg lock for a while: wait for it instead of failing.
 */
function aptInstall(what, packages, options) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) throw new Error(`${what} missing: run \`sudo apt-get install -y ${packages.join(' ')}\` once.`);
  log(`installing ${packages.join(', ')} from Debian (apt-get)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const wait = ['-o', 'DPkg::Lock::Timeout=900'];
  sh('apt-get', [...wait, 'update', '-q'], { env });
  sh('apt-get', [...wait, 'install', '-y', '-q', ...options, ...packages], { env });
}

// Browser tests use Debian's Chromium (downloaded browser builds are unreachable from here).
function ensureChromium() {
  if (fs.existsSync('/usr/bin/chromium') && hasCjkFont()) return;
  aptInstall('Chromium and CJK fonts are', ['chromium', 'fonts-noto-cjk'], []);
}

// The photo benchmark compares against Debian's vipsthumbnail (libvips-tools); the watermark needs CJK fonts.
function ensureVipsTools() {
  if (fs.existsSync('/usr/bin/vipsthumbnail') && hasCjkFont()) return;
  aptInstall('vipsthumbnail is', ['libvips-tools', 'fonts-noto-cjk'], ['--no-install-recommends']);
}

try {
  ensurePackages();
  ensureDatabase();
  ensureH5Build();
  if (purpose === 'test') ensureChromium();
  if (purpose === 'bench') ensureVipsTools();
} catch (err) {
  console.error(`[setup] ${err.message}`);
  process.exit(1);
}
