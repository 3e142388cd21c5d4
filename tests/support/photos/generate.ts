// Synthetic photos for the photo tests, the threshold calibration and the benchmark, drawn with sharp:
// an ID card (SVG rects and text) lying on a table, photographed like a phone would, then blurred,
// darkened, over-exposed or shrunk on demand. No photo of a real person or a real card is involved.
import sharp from 'sharp';

export type CardPhotoOptions = {
  /** Output size of the whole photo; default 1600×1200. */
  width?: number;
  height?: number;
  /** Gaussian blur sigma applied to the whole photo (as a shaky hand or wrong focus would). */
  blur?: number;
  /** Multiplies every pixel (0.2 = a dark ward at night, 2.5 = flash on a glossy card). */
  brightness?: number;
  /** Sensor noise amplitude (0–255), added after blur, like a real camera. */
  noise?: number;
  /** Aspect ratio (width / height) of the card; 85.6 / 54 for a real ID card. */
  cardAspect?: number;
  /** Share of the photo's width the card takes. */
  cardWidthShare?: number;
};

const CARD_ASPECT = 85.6 / 54;

/** The SVG of a whole photo: a wood-coloured table with the card in the middle. */
function cardSvg(width: number, height: number, aspect: number, share: number): string {
  const cw = Math.round(width * share);
  const ch = Math.round(cw / aspect);
  const x = Math.round((width - cw) / 2);
  const y = Math.round((height - ch) / 2);
  const u = cw / 100; // text scales with the card
  const lines = ['姓名 张三丰', '性别 男  民族 汉', '出生 1990 年 7 月 8 日', '住址 浙江省杭州市上城区解放路100号'];
  const text = lines
    .map(
      (line, i) =>
        `<text x="${x + 6 * u}" y="${y + (14 + i * 9) * u}" font-family="Noto Sans CJK SC, sans-serif" font-size="${4.2 * u}" fill="#1a1a1a">${line}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <rect width="100%" height="100%" fill="#8a6a4a"/>
  <rect x="${x}" y="${y}" width="${cw}" height="${ch}" rx="${3 * u}" fill="#e9eef2" stroke="#b7c3cc" stroke-width="${0.4 * u}"/>
  <rect x="${x + 66 * u}" y="${y + 8 * u}" width="${26 * u}" height="${32 * u}" fill="#c9d3da"/>
  <circle cx="${x + 79 * u}" cy="${y + 19 * u}" r="${6 * u}" fill="#7d8a93"/>
  <rect x="${x + 70 * u}" y="${y + 27 * u}" width="${18 * u}" height="${12 * u}" rx="${5 * u}" fill="#7d8a93"/>
  ${text}
  <text x="${x + 6 * u}" y="${y + ch - 7 * u}" font-family="monospace" font-size="${4.2 * u}" fill="#1a1a1a">公民身份号码 330102199007081234</text>
</svg>`;
}

/** Deterministic pseudo-random noise (no Math.random: the same options give the same photo). */
function noiseBuffer(width: number, height: number, amplitude: number): Buffer {
  const buf = Buffer.alloc(width * height * 3);
  let seed = 0x2f6b1d3;
  for (let i = 0; i < buf.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    buf[i] = 128 + Math.round((((seed >> 8) % 256) / 255) * 2 * amplitude - amplitude);
  }
  return buf;
}

/** Raw RGB pixels of a synthetic card photo. */
export async function cardPhotoRaw(options: CardPhotoOptions = {}): Promise<{ data: Buffer; width: number; height: number }> {
  const width = options.width ?? 1600;
  const height = options.height ?? 1200;
  let img = sharp(Buffer.from(cardSvg(width, height, options.cardAspect ?? CARD_ASPECT, options.cardWidthShare ?? 0.7)))
    .flatten({ background: '#8a6a4a' })
    .removeAlpha();
  if (options.blur) img = sharp(await img.png().toBuffer()).blur(options.blur);
  let { data } = await img.raw().toBuffer({ resolveWithObject: true });
  if (options.noise) {
    const n = noiseBuffer(width, height, options.noise);
    for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, data[i] + n[i] - 128));
  }
  if (options.brightness !== undefined && options.brightness !== 1) {
    data = await sharp(data, { raw: { width, height, channels: 3 } })
      .linear(options.brightness, 0)
      .raw()
      .toBuffer();
  }
  return { data, width, height };
}

/** A synthetic card photo as a JPEG (quality 90), optionally with EXIF orientation and GPS tags. */
export async function cardPhotoJpeg(
  options: CardPhotoOptions & { orientation?: number; gps?: boolean; quality?: number } = {},
): Promise<Buffer> {
  const raw = await cardPhotoRaw(options);
  let img = sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } }).jpeg({
    quality: options.quality ?? 90,
  });
  if (options.gps) {
    img = img.withExif({
      IFD0: { Make: 'TestPhone', Model: 'Ward Camera' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '30/1 15/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '120/1 10/1 0/1' },
    } as never);
  }
  if (options.orientation) img = img.withMetadata({ orientation: options.orientation });
  return img.toBuffer();
}

/** A synthetic card photo as PNG (lossless). */
export async function cardPhotoPng(options: CardPhotoOptions = {}): Promise<Buffer> {
  const raw = await cardPhotoRaw(options);
  return sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 3 } })
    .png()
    .toBuffer();
}

/** True when a JPEG carries an EXIF GPS block (the GPS IFD pointer, tag 0x8825). */
export async function hasGps(jpeg: Buffer): Promise<boolean> {
  const { exif } = await sharp(jpeg).metadata();
  if (!exif) return false;
  return exif.includes(Buffer.from([0x25, 0x88])) || exif.includes(Buffer.from([0x88, 0x25]));
}
