// Prints the quality measures of synthetic ID card photos (tests/support/photos/generate.ts), good and
// bad, so the thresholds in bff/src/components/attachments/photo.quality.ts can be checked or moved.
// Run: node --import tsx scripts/bench/photo-calibration.ts
import { ATTACHMENT_KINDS } from '@birth/shared';
import { createPhotoPipeline } from '../../bff/src/components/attachments/photo.pipeline';
import { cardPhotoJpeg, type CardPhotoOptions } from '../../tests/support/photos/generate';

const CASES: [string, CardPhotoOptions & { orientation?: number }][] = [
  ['sharp', {}],
  ['sharp, noise 8', { noise: 8 }],
  ['sharp, noise 16', { noise: 16 }],
  ['sharp 4000×3000, noise 12', { width: 4000, height: 3000, noise: 12 }],
  ['sharp, card small (45%)', { cardWidthShare: 0.45 }],
  ['sharp, card large (90%)', { cardWidthShare: 0.9 }],
  ['blur σ1', { blur: 1 }],
  ['blur σ1.5', { blur: 1.5 }],
  ['blur σ2', { blur: 2 }],
  ['blur σ3', { blur: 3 }],
  ['blur σ3, noise 8', { blur: 3, noise: 8 }],
  ['blur σ5', { blur: 5 }],
  ['blur σ8 4000×3000, noise 12', { width: 4000, height: 3000, blur: 8, noise: 12 }],
  ['light ×0.6', { brightness: 0.6 }],
  ['dark ×0.45', { brightness: 0.45 }],
  ['dark ×0.35', { brightness: 0.35 }],
  ['dark ×0.2', { brightness: 0.2 }],
  ['bright ×1.3', { brightness: 1.3 }],
  ['bright ×1.6', { brightness: 1.6 }],
  ['bright ×2.2', { brightness: 2.2 }],
  ['small 800×600', { width: 800, height: 600 }],
  ['tiny 480×360', { width: 480, height: 360 }],
  ['A4-like sheet (1.414)', { cardAspect: 1.414, cardWidthShare: 0.5 }],
  ['square thing (1.0)', { cardAspect: 1, cardWidthShare: 0.5 }],
  ['long thing (2.2)', { cardAspect: 2.2 }],
];

async function main() {
  const pipeline = createPhotoPipeline({ concurrency: 1, today: () => '2026-11-30' });
  const rows: string[] = ['| photo | short side | sharpness | luminance | rectangle | verdict |', '|---|---|---|---|---|---|'];
  for (const [name, options] of CASES) {
    const jpeg = await cardPhotoJpeg(options);
    let verdict = 'accepted';
    let m: Record<string, unknown> | undefined;
    try {
      const out = await pipeline.process(jpeg, ATTACHMENT_KINDS[0]);
      m = out.measures;
    } catch (err) {
      const e = err as { code?: string; extra?: { measures?: Record<string, unknown> } };
      verdict = e.code ?? String(err);
      m = e.extra?.measures;
    }
    rows.push(
      `| ${name} | ${m?.shortSide ?? '–'} | ${m?.sharpness ?? '–'} | ${m?.luminance ?? '–'} | ${m?.rectangleAspect ?? '–'} | ${verdict} |`,
    );
  }
  process.stdout.write(`${rows.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
