// The image pipeline: what an uploaded photo goes through before anything is stored.
//   1. the bytes decide the type (JPEG, PNG, WebP); the declared type and file name are ignored;
//   2. active content anywhere in the file (a PHP or HTML tail, an SVG, a script) is refused;
//   3. the header's dimensions are checked before any pixel is decoded (decompression bombs);
//   4. one decode with EXIF orientation applied, shrunk to ≤ 1600 px on the long side (never enlarged);
//   5. the quality check (size, blur, light, shape) on a small copy, made before the watermark;
//   6. a tiled watermark "仅用于出生一件事办理 <date>", then mozjpeg JPEG with no metadata at all (GPS
//      included: sharp writes none unless asked, and we never ask), and a 320 px thumbnail. The two
//      encodes run in libvips' threads while step 5's measures run on the main thread; nothing is
//      returned (so nothing stored) unless the measures pass.
// sharp runs in libuv's thread pool; a small semaphore bounds how many images are in flight at once
// (each costs up to ~100 MB while decoding), so 20 uploads at once queue instead of exhausting memory.
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { ATTACHMENT_LIMITS, isIdCardKind, type AttachmentKind } from '@birth/shared';
import { AppError } from '../../libraries/errors';
import {
  ANALYSIS_LONG_SIDE,
  QUALITY_THRESHOLDS,
  mainRectangleAspect,
  meanOf,
  sharpnessOf,
  type QualityMeasures,
} from './photo.quality';

export type SniffedFormat = 'jpeg' | 'png' | 'webp' | 'heic' | 'gif' | 'unknown';

/** The output: the long side of the stored photo and of its thumbnail, and their JPEG settings. */
export const OUTPUT = { longSide: 1600, thumbLongSide: 320, quality: 78, thumbQuality: 70 } as const;

/**
 * The kernel of the one big resize (a 12 MP photo → 1600 px, a shrink of ~2.5). Lanczos 2 instead of sharp's
 * default Lanczos 3: 2 lobes, so 11 taps a pixel instead of 17 at this shrink, ~15 ms less CPU per photo
 * (of ~195; bench:photos' input, both measured in one run). The price, measured on that input against
 * Lanczos 3: PSNR 49 dB (51 dB without sensor noise), the quality check's own box-smoothed Laplacian
 * variance 95 %, the raw Laplacian variance (the finest detail) 83 %; the card's text at 2× zoom looks the
 * same. `linear` would save ~35 ms but is clearly softer (41 dB, 79 % / 55 %). The small copy for the
 * measures and the thumbnail keep Lanczos 3 (they cost ~4 ms each and the thresholds were calibrated so).
 */
export const RESIZE_KERNEL = 'lanczos2';

/**
 * mozjpeg (the encoder sharp bundles) with its ImageMagick quantisation table, overshoot deringing and
 * optimised Huffman coding. Not `mozjpeg: true`: its trellis quantisation and progressive scan search
 * cost 3–8× the encode time (measured here: ~200 ms against ~25 ms for 1600 px) for ~25 % fewer bytes,
 * and the output is already well under the 250 KB budget (see the README's bench table).
 */
export const JPEG_OPTIONS = {
  quality: OUTPUT.quality,
  quantisationTable: 3,
  overshootDeringing: true,
  optimiseCoding: true,
  chromaSubsampling: '4:2:0',
} as const;

/** What the first bytes say the file is. */
export function sniffFormat(buf: Buffer): SniffedFormat {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (buf.length >= 12 && buf.toString('latin1', 4, 8) === 'ftyp') {
    const brand = buf.toString('latin1', 8, 12);
    if (/^(heic|heix|hevc|hevx|heim|heis|mif1|msf1|avif)$/.test(brand)) return 'heic';
  }
  if (buf.length >= 6 && /^GIF8[79]a$/.test(buf.toString('latin1', 0, 6))) return 'gif';
  return 'unknown';
}

// Markers of content a browser or a server would execute. A photo never carries them; a polyglot does.
const ACTIVE_CONTENT = /<\?php|<script|<html|<svg|<!doctype|<iframe|<body|javascript:/i;

/**
 * The parts of an image file that are not pixel data: metadata segments (JPEG APPn/COM, PNG text
 * chunks, WebP EXIF/XMP) and whatever trails the image's end marker. Compressed pixel data is random
 * bytes in which short markers occur by chance, so only these parts are searched.
 */
function nonPixelParts(buf: Buffer, format: 'jpeg' | 'png' | 'webp'): Buffer[] {
  const parts: Buffer[] = [];
  if (format === 'jpeg') {
    let i = 2;
    while (i + 4 <= buf.length && buf[i] === 0xff) {
      const marker = buf[i + 1];
      if (marker === 0xda || marker === 0xd9) break; // start of scan: pixel data follows
      const len = buf.readUInt16BE(i + 2);
      if ((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe) parts.push(buf.subarray(i + 4, i + 2 + len));
      i += 2 + len;
    }
    const end = buf.lastIndexOf(Buffer.from([0xff, 0xd9]));
    parts.push(end >= 0 ? buf.subarray(end + 2) : Buffer.alloc(0));
  } else if (format === 'png') {
    let i = 8;
    while (i + 12 <= buf.length) {
      const len = buf.readUInt32BE(i);
      const type = buf.toString('latin1', i + 4, i + 8);
      if (type !== 'IDAT') parts.push(buf.subarray(i + 8, Math.min(buf.length, i + 8 + len)));
      i += 12 + len;
      if (type === 'IEND') break;
    }
    parts.push(buf.subarray(Math.min(i, buf.length)));
  } else {
    const riffEnd = 8 + buf.readUInt32LE(4);
    let i = 12;
    while (i + 8 <= Math.min(riffEnd, buf.length)) {
      const type = buf.toString('latin1', i, i + 4);
      const len = buf.readUInt32LE(i + 4);
      if (!['VP8 ', 'VP8L', 'ALPH', 'ANMF'].includes(type)) parts.push(buf.subarray(i + 8, Math.min(buf.length, i + 8 + len)));
      i += 8 + len + (len & 1);
    }
    parts.push(buf.subarray(Math.min(riffEnd, buf.length)));
  }
  return parts;
}

/** True when the file carries markup or script outside its pixel data (a JPEG with a PHP or HTML tail, say). */
export function hasActiveContent(buf: Buffer, format: 'jpeg' | 'png' | 'webp'): boolean {
  return nonPixelParts(buf, format).some((part) => ACTIVE_CONTENT.test(part.toString('latin1')));
}

const unsupported = (detail: string) => new AppError('UNSUPPORTED_MEDIA_TYPE', detail);
const UNSUPPORTED_DETAIL =
  '只支持 JPG、PNG 或 WebP 格式的照片，请用手机相机直接拍摄证件后上传（不要上传截图以外的文件、PDF 或动图）';

/** A small counting semaphore: at most `limit` holders; the rest wait in order. */
export function createSemaphore(limit: number) {
  let active = 0;
  let peak = 0;
  const waiting: (() => void)[] = [];
  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      active++;
      peak = Math.max(peak, active);
      try {
        return await fn();
      } finally {
        active--;
        waiting.shift()?.();
      }
    },
    get inFlight() {
      return active;
    },
    get queued() {
      return waiting.length;
    },
    /** The most holders there have ever been at once. */
    get peak() {
      return peak;
    },
  };
}

export type ProcessedPhoto = {
  full: Buffer;
  thumb: Buffer;
  width: number;
  height: number;
  sourceFormat: 'jpeg' | 'png' | 'webp';
  measures: QualityMeasures;
};

/** Runs the quality rules on the measures; throws the first failure as its own 422. */
export function judgeQuality(kind: AttachmentKind, m: QualityMeasures): void {
  const t = QUALITY_THRESHOLDS;
  if (m.shortSide < t.minShortSide)
    throw new AppError(
      'PHOTO_TOO_SMALL',
      `照片太小（短边 ${m.shortSide} 像素，至少需要 ${t.minShortSide} 像素），看不清证件上的文字。请用手机相机直接拍摄原图上传，不要使用缩略图或截图。`,
      { measures: m },
    );
  if (m.luminance < t.minLuminance)
    throw new AppError('PHOTO_TOO_DARK', '照片太暗，看不清证件内容。请在光线充足的地方（可打开室内灯）重新拍摄，不要用手遮挡。', {
      measures: m,
    });
  if (m.luminance > t.maxLuminance)
    throw new AppError('PHOTO_OVEREXPOSED', '照片过亮或反光，证件文字看不清。请关闭闪光灯、避开直射的灯光后重新拍摄。', {
      measures: m,
    });
  if (m.sharpness < t.minSharpness)
    throw new AppError('PHOTO_BLURRY', '照片模糊，看不清证件上的文字。请把手机拿稳、对准证件，等画面清晰后再拍摄。', {
      measures: m,
    });
  if (isIdCardKind(kind) && m.rectangleAspect !== null) {
    const [min, max] = t.idCardAspect;
    if (m.rectangleAspect < min || m.rectangleAspect > max)
      throw new AppError(
        'PHOTO_NOT_ID_CARD',
        '照片中的主体看起来不是身份证。请将身份证平放在深色桌面上，证件占满画面的大部分后正面拍摄。',
        { measures: m },
      );
  }
}

/** The watermark tile: diagonal text, semi-transparent, rendered once per day and tiled over the photo. */
async function watermarkTile(date: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="560" height="300">
  <g transform="rotate(-24 280 150)" font-family="Noto Sans CJK SC, Noto Serif CJK SC, sans-serif" font-size="30" font-weight="bold">
    <text x="40" y="140" fill="#ffffff" fill-opacity="0.30" stroke="#000000" stroke-opacity="0.22" stroke-width="1">仅用于出生一件事办理</text>
    <text x="120" y="182" fill="#ffffff" fill-opacity="0.30" stroke="#000000" stroke-opacity="0.22" stroke-width="1">${date}</text>
  </g>
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export type PhotoPipelineOptions = {
  /** Images processed at once (each up to ~100 MB while decoding). */
  concurrency: number;
  /** The date on the watermark (China time, YYYY-MM-DD). */
  today: () => string;
};

export function createPhotoPipeline(options: PhotoPipelineOptions) {
  const gate = createSemaphore(options.concurrency);
  // The watermark, made once per day and output size (phones give a handful of sizes), kept as the list of
  // the pixels it touches (~5 % of them) and blended in place: cheaper than any libvips composite per photo
  // (measured: composite + encode ~42 ms against ~14 ms for the encode alone) and than a dense loop over
  // every pixel (~4 ms against ~1 ms at 1600×1200).
  const overlays = new Map<string, Promise<SparseOverlay>>();
  const overlayFor = (date: string, width: number, height: number) => {
    const key = `${date}:${width}x${height}`;
    let overlay = overlays.get(key);
    if (!overlay) {
      if (overlays.size >= 16) overlays.clear();
      overlay = watermarkTile(date)
        .then((tile) =>
          sharp({ create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
            .composite([{ input: tile, tile: true }])
            .raw()
            .toBuffer(),
        )
        .then(sparseOverlay);
      overlay.catch(() => overlays.delete(key));
      overlays.set(key, overlay);
    }
    return overlay;
  };

  async function inspect(buf: Buffer) {
    if (buf.length === 0) throw new AppError('BAD_REQUEST', '上传的照片是空文件，请重新选择照片。');
    const sniffed = sniffFormat(buf);
    if (sniffed === 'heic')
      throw unsupported(
        '暂不支持 HEIC/HEIF 格式的照片。请在手机“设置 > 相机 > 格式”中选择“兼容性最佳”后重新拍摄，或在相册中将照片导出为 JPG 后上传。',
      );
    if (sniffed === 'gif' || sniffed === 'unknown') throw unsupported(UNSUPPORTED_DETAIL);
    if (hasActiveContent(buf, sniffed))
      throw unsupported('该文件中夹带了非图片内容，不能作为证件照片上传。请用手机相机重新拍摄证件后上传原图。');
    let meta: Metadata;
    try {
      meta = await sharp(buf, { limitInputPixels: false }).metadata();
    } catch {
      throw new AppError('PHOTO_UNREADABLE', '照片文件已损坏或不完整，无法打开。请重新拍摄后上传。');
    }
    if (meta.format !== sniffed) throw unsupported(UNSUPPORTED_DETAIL);
    if ((meta.pages ?? 1) > 1) throw unsupported('不支持动图，请上传一张静态的证件照片。');
    const width = meta.width ?? 0;
    const height = meta.height ?? 0;
    if (!width || !height) throw new AppError('PHOTO_UNREADABLE', '照片文件已损坏或不完整，无法打开。请重新拍摄后上传。');
    if (width * height > ATTACHMENT_LIMITS.maxPixels)
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `照片像素过大（超过 ${ATTACHMENT_LIMITS.maxPixels / 1e6} 百万像素），请用手机相机正常拍摄后上传，不要上传拼接或放大的图片。`,
      );
    return { format: sniffed, shortSide: Math.min(width, height) };
  }

  return {
    gate,
    /** Checks, measures and converts one upload; throws an AppError (4xx) for anything unacceptable. */
    async process(buf: Buffer, kind: AttachmentKind): Promise<ProcessedPhoto> {
      const head = await inspect(buf);
      // Too small is known from the header: answer before decoding anything.
      if (head.shortSide < QUALITY_THRESHOLDS.minShortSide)
        judgeQuality(kind, { shortSide: head.shortSide, sharpness: Infinity, luminance: 128, rectangleAspect: null });
      return gate.run(async () => {
        // One decode (EXIF rotation applied after the resize, as vipsthumbnail does) to raw pixels. Everything
        // after works on those: libvips' composite inside the decoding pipeline doubled the time (measured),
        // and a second decode for the measures costs more than resizing the pixels we have.
        // No JPEG shrink-on-load for a 12 MP phone photo: 4000 → 1600 is a shrink of 2.5, and sharp 0.35
        // (src/pipeline.cc) gives up the ×2 DCT shrink whenever the shrink is below 3 ("known libjpeg
        // rounding errors": int(shrink) == 2), whatever fastShrinkOnLoad, autoOrient or a 2000 px first step
        // say; vipsthumbnail 8.14 keeps a factor of two for its final resize and loads at full size too.
        // So the full decode (~105 ms of CPU here) is most of the time, as it is the reference's.
        let base: { data: Buffer; info: OutputInfo };
        try {
          base = await sharp(buf, { limitInputPixels: ATTACHMENT_LIMITS.maxPixels, failOn: 'truncated' })
            .rotate()
            .resize(OUTPUT.longSide, OUTPUT.longSide, { fit: 'inside', withoutEnlargement: true, kernel: RESIZE_KERNEL })
            .removeAlpha()
            .toColourspace('srgb')
            .raw()
            .toBuffer({ resolveWithObject: true });
        } catch {
          throw new AppError('PHOTO_UNREADABLE', '照片文件已损坏或不完整，无法打开。请重新拍摄后上传。');
        }
        const { width, height, channels } = base.info;
        const raw = { raw: { width, height, channels } } as const;
        // The watermark goes on a copy (1 ms), so the small copy for the measures, the full encode and the
        // thumbnail can all start at once in libvips' threads; the measures then run here on the main thread
        // while the encodes go on. On two cores that takes the measures (~10 ms), the thumbnail and the
        // small copy off the critical path (measured; see the README's bench). A photo the measures refuse
        // has cost one wasted encode; nothing of it is stored.
        const marked = Buffer.from(base.data);
        blendOver(marked, channels, await overlayFor(options.today(), width, height));
        const analysis = sharp(base.data, raw)
          .resize(ANALYSIS_LONG_SIDE, ANALYSIS_LONG_SIDE, { fit: 'inside' })
          .raw()
          .toBuffer({ resolveWithObject: true });
        // No withMetadata/keepExif/keepMetadata: the output carries no EXIF, no GPS, no ICC, nothing.
        const encoded = Promise.all([
          sharp(marked, raw).jpeg(JPEG_OPTIONS).toBuffer(),
          // From the watermarked pixels, so the thumbnail carries the mark too.
          sharp(marked, raw)
            .resize(OUTPUT.thumbLongSide, OUTPUT.thumbLongSide, { fit: 'inside' })
            .jpeg({ ...JPEG_OPTIONS, quality: OUTPUT.thumbQuality })
            .toBuffer(),
        ]);
        // A handler from the start: an encode failing while the measures are awaited is not "unhandled".
        encoded.catch(() => undefined);
        let measures: QualityMeasures;
        try {
          const small = await analysis;
          const grey = toGrey(small.data, small.info.width * small.info.height, small.info.channels);
          measures = {
            shortSide: head.shortSide,
            sharpness: sharpnessOf(grey, small.info.width, small.info.height),
            luminance: Math.round(meanOf(grey)),
            rectangleAspect: roundOrNull(mainRectangleAspect(small.data, small.info.width, small.info.height)),
          };
          judgeQuality(kind, measures);
        } catch (err) {
          // Refused: libvips finishes with the pixels before the gate lets the next image in.
          await Promise.allSettled([analysis, encoded]);
          throw err;
        }
        const [full, thumb] = await encoded;
        return { full, thumb, width, height, sourceFormat: head.format as 'jpeg' | 'png' | 'webp', measures };
      });
    },
  };
}

/** The pixels a straight-alpha RGBA overlay touches: their indices and their RGBA values. */
type SparseOverlay = { at: Uint32Array; rgba: Uint8Array };

function sparseOverlay(rgba: Buffer): SparseOverlay {
  let n = 0;
  for (let j = 3; j < rgba.length; j += 4) if (rgba[j] !== 0) n++;
  const at = new Uint32Array(n);
  const values = new Uint8Array(n * 4);
  for (let j = 0, k = 0; j < rgba.length; j += 4) {
    if (rgba[j + 3] === 0) continue;
    at[k] = j >> 2;
    values.set(rgba.subarray(j, j + 4), k * 4);
    k++;
  }
  return { at, rgba: values };
}

/** Blends the overlay over packed pixels `px` in place ("over"); pixels it does not touch are left alone. */
function blendOver(px: Buffer, channels: number, overlay: SparseOverlay): void {
  const { at, rgba } = overlay;
  for (let k = 0, j = 0; k < at.length; k++, j += 4) {
    const i = at[k] * channels;
    const a = rgba[j + 3];
    const keep = 255 - a;
    px[i] = (px[i] * keep + rgba[j] * a + 127) / 255;
    px[i + 1] = (px[i + 1] * keep + rgba[j + 1] * a + 127) / 255;
    px[i + 2] = (px[i + 2] * keep + rgba[j + 2] * a + 127) / 255;
  }
}

/** Rec. 601 luma of packed RGB pixels. */
function toGrey(rgb: Buffer, pixels: number, channels: number): Uint8Array {
  const out = new Uint8Array(pixels);
  for (let i = 0, j = 0; i < pixels; i++, j += channels) out[i] = (rgb[j] * 299 + rgb[j + 1] * 587 + rgb[j + 2] * 114) / 1000;
  return out;
}

const roundOrNull = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

export type PhotoPipeline = ReturnType<typeof createPhotoPipeline>;
