// Prints the size of each mini-program package (main and every subpackage) of the WeChat and Alipay
// builds, and fails when one is over budget: the main package at most 1 MB (so it opens fast; WeChat's
// own limit is 2 MB), each subpackage at most 2 MB, everything at most 20 MB.
// Usage: node scripts/mini-sizes.mjs [weapp|alipay ...]   (after npm run build:weapp / build:alipay)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUDGET = { main: 1024 * 1024, sub: 2 * 1024 * 1024, total: 20 * 1024 * 1024 };
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;

function sizeOf(dir, skip = new Set()) {
  let total = 0;
  for (const name of fs.readdirSync(dir)) {
    const full = path.join(dir, name);
    if (skip.has(full)) continue;
    const st = fs.statSync(full);
    total += st.isDirectory() ? sizeOf(full, skip) : /\.LICENSE\.txt$/.test(name) ? 0 : st.size;
  }
  return total;
}

let failed = false;
const platforms = process.argv.slice(2).length ? process.argv.slice(2) : ['weapp', 'alipay'];
for (const platform of platforms) {
  const dist = path.join(ROOT, 'miniapp', 'dist', platform);
  if (!fs.existsSync(path.join(dist, 'app.json'))) {
    console.log(`${platform}: no build in ${path.relative(ROOT, dist)} (run npm run build:${platform})`);
    failed = true;
    continue;
  }
  const app = JSON.parse(fs.readFileSync(path.join(dist, 'app.json'), 'utf8'));
  const subs = (app.subPackages ?? app.subpackages ?? []).map((s) => s.root);
  const subDirs = new Set(subs.map((root) => path.join(dist, root)));
  const rows = [['main', sizeOf(dist, subDirs), BUDGET.main]];
  for (const root of subs) rows.push([`subpackage ${root}`, sizeOf(path.join(dist, root)), BUDGET.sub]);
  const total = rows.reduce((sum, [, size]) => sum + size, 0);
  rows.push(['total', total, BUDGET.total]);
  console.log(`${platform}:`);
  for (const [name, size, budget] of rows) {
    const over = size > budget;
    failed ||= over;
    console.log(`  ${name.padEnd(22)} ${kb(size).padStart(8)}  budget ${kb(budget)}${over ? '  OVER BUDGET' : ''}`);
  }
}
process.exit(failed ? 1 : 0);
