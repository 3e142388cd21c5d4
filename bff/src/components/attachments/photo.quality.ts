// The quality check on arrival: cheap measures on a small greyscale copy of the photo, so a parent hears
// "too dark, retake it" now instead of a department rejecting the item a day later.
//
// Thresholds were calibrated on synthetic ID card photos drawn with sharp (tests/support/photos/generate.ts:
// an SVG card on a table, 1600×1200, then blurred, darkened, brightened, noised or shrunk) with
// scripts/bench/photo-calibration.ts; the numbers it printed are in the README ("Photos"). Each threshold
// sits between the worst acceptable and the best unacceptable variant, closer to accepting: a parent
// retaking a good photo is worse than a department seeing a slightly soft one.

export const QUALITY_THRESHOLDS = {
  /** Shortest side of the photo as taken (after EXIF rotation), in pixels. Below: too small to read the card's number. */
  minShortSide: 600,
  /**
   * sharpnessOf(): Laplacian variance of the box-smoothed ANALYSIS_LONG_SIDE copy over the image's own
   * variance, ×1000 (so light and contrast do not move it). Sharp synthetic cards score 28–56 whatever
   * their noise or light; Gaussian blur σ1.5 at 1600 px 22, σ2 (still readable) 14, σ3 (the number no
   * longer readable) 5–6 with or without noise, σ5 1.
   */
  minSharpness: 10,
  /** Mean luminance (0–255). Normal light scores 130–190, ×0.45 (dim but readable) 71, ×0.35 54, ×0.2 32. */
  minLuminance: 60,
  /** Mean luminance above this is washed out (flash glare, over-exposure): ×1.6 scores 208, ×2.2 240. */
  maxLuminance: 225,
  /**
   * Width / height of the main rectangle (the card found against its background), either way up.
   * An ID card is 85.6 × 54 mm = 1.585; perspective from a phone held at an angle gives ±15 %. An A4 page
   * (1.414) or a square thing is outside. Only judged when a main rectangle is clearly found.
   */
  idCardAspect: [1.45, 1.8] as const,
} as const;

/** The long side of the greyscale copy the measures run on (so they do not depend on the photo's size). */
export const ANALYSIS_LONG_SIDE = 800;

export type QualityMeasures = {
  shortSide: number;
  sharpness: number;
  luminance: number;
  /** Aspect ratio (≥ 1) of the main rectangle, or null when none stands out from the background. */
  rectangleAspect: number | null;
};

/** Mean and variance of the 4-neighbour Laplacian of a greyscale image. */
export function laplacianVariance(grey: Uint8Array | Buffer, width: number, height: number): number {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      const l = 4 * grey[i] - grey[i - 1] - grey[i + 1] - grey[i - width] - grey[i + width];
      sum += l;
      sumSq += l * l;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

/** 3×3 box blur of a greyscale image (edges copied). */
export function boxBlur3(grey: Uint8Array, width: number, height: number): Uint8Array {
  const out = Uint8Array.from(grey);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const a = i - width;
      const b = i + width;
      out[i] =
        (grey[a - 1] + grey[a] + grey[a + 1] + grey[i - 1] + grey[i] + grey[i + 1] + grey[b - 1] + grey[b] + grey[b + 1]) / 9;
    }
  }
  return out;
}

/**
 * How sharp the photo is, independent of its brightness and contrast: the variance of the Laplacian of
 * the box-smoothed image (smoothing takes sensor noise out, which would pass for detail) divided by the
 * variance of the image itself, ×1000. A dim photo of a sharp card is as sharp as a bright one.
 */
export function sharpnessOf(grey: Uint8Array, width: number, height: number): number {
  const mean = meanOf(grey);
  let variance = 0;
  for (let i = 0; i < grey.length; i++) variance += (grey[i] - mean) ** 2;
  variance /= grey.length || 1;
  if (variance < 1) return 0; // a blank image has no detail at all
  return Math.round((laplacianVariance(boxBlur3(grey, width, height), width, height) / variance) * 1000);
}

export function meanOf(grey: Uint8Array | Buffer): number {
  let sum = 0;
  for (let i = 0; i < grey.length; i++) sum += grey[i];
  return grey.length ? sum / grey.length : 0;
}

/**
 * Finds the main rectangle: the background colour is the median of the border pixels; pixels far from
 * it are "object"; the object's bounding box (ignoring stray rows and columns) must cover 10–92 % of the
 * photo and be mostly filled (≥ 75 %) to count as one flat thing such as a card. Returns its aspect
 * ratio (≥ 1) or null when nothing clearly stands out (busy background, card filling the frame).
 */
export function mainRectangleAspect(rgb: Uint8Array | Buffer, width: number, height: number): number | null {
  const border: number[][] = [[], [], []];
  const push = (x: number, y: number) => {
    const i = (y * width + x) * 3;
    for (let c = 0; c < 3; c++) border[c].push(rgb[i + c]);
  };
  for (let x = 0; x < width; x++) {
    push(x, 0);
    push(x, height - 1);
  }
  for (let y = 1; y < height - 1; y++) {
    push(0, y);
    push(width - 1, y);
  }
  const bg = border.map((values) => values.sort((a, b) => a - b)[values.length >> 1]);
  const spread = border.map((values) => values[Math.floor(values.length * 0.9)] - values[Math.floor(values.length * 0.1)]);
  // A busy background (spread) has no single colour to stand out from.
  if (Math.max(...spread) > 60) return null;
  const threshold = 45 + Math.max(...spread);
  const rows = new Uint32Array(height);
  const cols = new Uint32Array(width);
  let objectPixels = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const d = Math.abs(rgb[i] - bg[0]) + Math.abs(rgb[i + 1] - bg[1]) + Math.abs(rgb[i + 2] - bg[2]);
      if (d > threshold) {
        rows[y]++;
        cols[x]++;
        objectPixels++;
      }
    }
  }
  const span = (counts: Uint32Array, other: number): [number, number] | null => {
    const min = Math.max(2, other * 0.08);
    let first = -1;
    let last = -1;
    counts.forEach((c, i) => {
      if (c >= min) {
        if (first < 0) first = i;
        last = i;
      }
    });
    return first < 0 ? null : [first, last];
  };
  const ys = span(rows, width);
  const xs = span(cols, height);
  if (!ys || !xs) return null;
  const w = xs[1] - xs[0] + 1;
  const h = ys[1] - ys[0] + 1;
  const cover = (w * h) / (width * height);
  if (cover < 0.1 || cover > 0.92 || objectPixels / (w * h) < 0.75) return null;
  return Math.max(w, h) / Math.min(w, h);
}
