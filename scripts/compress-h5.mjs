// After the H5 build: writes a brotli (.br) and a gzip (.gz) copy next to every text asset, so the BFF
// sends them compressed without spending CPU per request (koa-send picks the copy the browser accepts).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.resolve(ROOT, process.argv[2] ?? 'miniapp/dist/h5');
const TEXT = /\.(js|css|html|json|svg|txt|map)$/;

let files = 0;
let raw = 0;
let br = 0;
function walk(p) {
  for (const name of fs.readdirSync(p)) {
    const full = path.join(p, name);
    if (fs.statSync(full).isDirectory()) walk(full);
    else if (TEXT.test(name) && !name.endsWith('.LICENSE.txt')) {
      const data = fs.readFileSync(full);
      if (data.length < 1024) continue;
      const brotli = zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });
      fs.writeFileSync(`${full}.br`, brotli);
      fs.writeFileSync(`${full}.gz`, zlib.gzipSync(data, { level: 9 }));
      files += 1;
      raw += data.length;
      br += brotli.length;
    }
  }
}
walk(dir);
console.log(`[compress-h5] ${files} files: ${(raw / 1024).toFixed(0)} KB → ${(br / 1024).toFixed(0)} KB brotli`);
