// `npm run bench:photos`: the photo pipeline against Debian's vipsthumbnail, measured in the same run, so
// the result compares across machines. Not a test: it prints a table and writes it into the README
// (between the bench:photos markers). Bounded: BENCH_PHOTO_RUNS timed runs per case (default 9).
//
// Input: a 12 MP phone-like JPEG (4000×3000, sensor noise, EXIF orientation 6, GPS tags), drawn with sharp.
// Reference: `vipsthumbnail in.jpg --size 1600 -o out.jpg[Q=78]` (the same resize and quality, without the
// quality check, the watermark and mozjpeg; its kernel is libvips' Lanczos 3, ours RESIZE_KERNEL, which the
// table's note names), as a process per image; ours runs in-process, so the reference also pays a process
// start (~20 ms), which the table says. Both load the JPEG at full size (no shrink-on-load at a 2.5 shrink:
// see photo.pipeline.ts) and use the same number of libvips threads (checked with --vips-progress).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createPhotoPipeline, OUTPUT, RESIZE_KERNEL } from '../../bff/src/components/attachments/photo.pipeline';
import { ensureFerretdb, startFerretdb } from '../lib/ferretdb.cjs';
import { startInProcessBff } from './in-process-bff';
import { loginParent, validApplication } from '../../tests/support/fixtures';
import { cardPhotoJpeg, hasGps } from '../../tests/support/photos/generate';
import { uploadPhoto } from '../../tests/support/photos/upload';
import { api } from '../../tests/support/test-server';

const RUNS = Number(process.env.BENCH_PHOTO_RUNS ?? 9);
const HTTP_UPLOADS = Number(process.env.BENCH_PHOTO_UPLOADS ?? 16);
const README = path.resolve(__dirname, '..', '..', 'README.md');
const TARGETS = { ratio: 1.5, bytes: 250 * 1024, rssMb: 150 };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = () => Number(process.hrtime.bigint()) / 1e6;

function vipsVersion(): string {
  return execFileSync('vipsthumbnail', ['--version'], { encoding: 'utf8' }).trim().split('\n')[0];
}

async function main() {
  if (spawnSync('vipsthumbnail', ['--version']).error)
    throw new Error('vipsthumbnail is missing: apt-get install -y libvips-tools');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'birth-photo-bench-'));
  const input = await cardPhotoJpeg({ width: 4000, height: 3000, noise: 14, orientation: 6, gps: true, quality: 92 });
  const inputPath = path.join(dir, 'in.jpg');
  fs.writeFileSync(inputPath, input);
  const meta = await sharp(input).metadata();
  process.stdout.write(
    `input: ${meta.width}×${meta.height} JPEG, ${(input.length / 1024 / 1024).toFixed(1)} MB, orientation ${meta.orientation}, GPS ${await hasGps(input)}\n`,
  );

  // 1. Reference and ours, one image at a time, interleaved so both see the same machine load.
  const pipeline = createPhotoPipeline({ concurrency: 1, today: () => '2026-11-30' });
  await pipeline.process(input, 'mother_id_front'); // warm-up: fonts, the watermark tile, code paths
  spawnSync('vipsthumbnail', [inputPath, '--size', String(OUTPUT.longSide), '-o', path.join(dir, 'ref.jpg[Q=78]')]);
  // The same number of threads per image for both: sharp's libvips pool here, VIPS_CONCURRENCY for the reference.
  const threads = sharp.concurrency();
  const vipsEnv = { ...process.env, VIPS_CONCURRENCY: String(threads) };
  const ref: number[] = [];
  const ours: number[] = [];
  let ourBytes = 0;
  let ourGps = true;
  for (let i = 0; i < RUNS; i++) {
    let t = ms();
    const r = spawnSync(
      'vipsthumbnail',
      [inputPath, '--size', String(OUTPUT.longSide), '-o', path.join(dir, `ref.jpg[Q=${OUTPUT.quality}]`)],
      {
        env: vipsEnv,
      },
    );
    if (r.status !== 0) throw new Error(`vipsthumbnail failed: ${r.stderr}`);
    ref.push(ms() - t);
    t = ms();
    const out = await pipeline.process(input, 'mother_id_front');
    ours.push(ms() - t);
    ourBytes = out.full.length;
    ourGps = await hasGps(out.full);
  }
  const refBytes = fs.statSync(path.join(dir, 'ref.jpg')).size;
  const refMeta = await sharp(path.join(dir, 'ref.jpg')).metadata();

  // 2. Over HTTP into a throw-away FerretDB: images per second with 1 and 4 uploads in flight, RSS growth.
  ensureFerretdb();
  const db = await startFerretdb({ dataDir: path.join(dir, 'db') });
  const bff = await startInProcessBff({
    MONGODB_URI: db.uri,
    MONGODB_DB: 'bench',
  });
  const { base, config } = bff;
  const token = await loginParent(base, 'bench-parent');
  const kinds = ['mother_id_front', 'mother_id_back', 'father_id_front', 'father_id_back'];

  async function uploads(inFlight: number) {
    const draft = await api(base, 'POST', '/api/v1/applications', { token, body: validApplication() });
    await uploadPhoto(base, token, draft.body.id, 'household_booklet', input); // warm
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    let next = 0;
    let failures = 0;
    const t = ms();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < HTTP_UPLOADS) {
          const i = next++;
          const res = await uploadPhoto(base, token, draft.body.id, kinds[i % kinds.length], input);
          if (res.status !== 201) failures++;
        }
      }),
    );
    const seconds = (ms() - t) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    return { perSecond: HTTP_UPLOADS / seconds, rssGrowthMb: (peak - before) / 1024 / 1024, failures };
  }
  const one = await uploads(1);
  const four = await uploads(4);
  await bff.close();
  await db.stop();
  fs.rmSync(dir, { recursive: true, force: true });

  const ratio = median(ours) / median(ref);
  const ok = (good: boolean) => (good ? 'ok' : '**over**');
  const lines = [
    `| measure | vipsthumbnail (reference) | our pipeline | target |`,
    `|---|---|---|---|`,
    `| median time, 12 MP JPEG → ${OUTPUT.longSide} px (${RUNS} runs) | ${median(ref).toFixed(0)} ms | ${median(ours).toFixed(0)} ms (**${ratio.toFixed(2)}×**) | ≤ ${TARGETS.ratio}× ${ok(ratio <= TARGETS.ratio)} |`,
    `| output | ${refMeta.width}×${refMeta.height}, ${(refBytes / 1024).toFixed(0)} KB | ${(ourBytes / 1024).toFixed(0)} KB, GPS ${ourGps ? 'kept' : 'gone'} | ≤ 250 KB ${ok(ourBytes <= TARGETS.bytes)} |`,
    `| images/s over HTTP, 1 in flight (${HTTP_UPLOADS} uploads, stored encrypted) | – | ${one.perSecond.toFixed(2)} (${one.failures} failed) | – |`,
    `| images/s over HTTP, 4 in flight | – | ${four.perSecond.toFixed(2)} (${four.failures} failed) | – |`,
    `| peak RSS growth, 4 in flight | – | ${four.rssGrowthMb.toFixed(0)} MB | ≤ ${TARGETS.rssMb} MB ${ok(four.rssGrowthMb <= TARGETS.rssMb)} |`,
  ];
  const when = new Date().toISOString().slice(0, 10);
  const note = `Measured ${when} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, ${vipsVersion()}, sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}), PHOTO_CONCURRENCY=${config.PHOTO_CONCURRENCY}, ${threads} libvips thread(s) per image for both. Ours = checks + quality measures + watermark + mozjpeg + thumbnail, in-process, resizing with ${RESIZE_KERNEL} (the reference: lanczos3); the reference is one \`vipsthumbnail\` process per image (its time includes a process start).`;
  const table = `${lines.join('\n')}\n\n${note}\n`;
  process.stdout.write(`\n${table}`);
  const readme = fs.readFileSync(README, 'utf8');
  const start = '<!-- bench:photos -->';
  const end = '<!-- /bench:photos -->';
  if (readme.includes(start) && readme.includes(end)) {
    const updated = readme.replace(new RegExp(`${start}[\\s\\S]*?${end}`), `${start}\n${table}${end}`);
    fs.writeFileSync(README, updated);
    process.stdout.write('(README updated)\n');
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
