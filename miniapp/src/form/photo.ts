import Taro from '@tarojs/taro';

/** Photos leave the phone at most this big: quick on a ward's Wi-Fi, still sharp enough to read. */
export const MAX_PHOTO_BYTES = 600 * 1024;
const MAX_SIDE = 1600;

export const PHOTO_KINDS = [
  { kind: 'mother_id_front', label: '母亲身份证 人像面' },
  { kind: 'mother_id_back', label: '母亲身份证 国徽面' },
  { kind: 'father_id_front', label: '父亲身份证 人像面' },
  { kind: 'father_id_back', label: '父亲身份证 国徽面' },
] as const;
export type PhotoKind = (typeof PHOTO_KINDS)[number]['kind'];

export interface Picked {
  path: string;
  size: number;
}

/** Take a photo or choose one from the album; undefined when the parent cancels. */
export async function pickPhoto(): Promise<Picked | undefined> {
  try {
    const res = await Taro.chooseImage({ count: 1, sizeType: ['original', 'compressed'], sourceType: ['camera', 'album'] });
    const file = res.tempFiles?.[0];
    const path = file?.path ?? res.tempFilePaths?.[0];
    return path ? { path, size: file?.size ?? 0 } : undefined;
  } catch {
    return undefined;
  }
}

function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('这张照片打不开，请换一张 JPG 或 PNG 照片'));
    image.src = src;
  });
}

function toBlob(canvas: HTMLCanvasElement, quality: number): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('照片处理没有成功，请重拍'))), 'image/jpeg', quality),
  );
}

/**
 * H5: Taro's compressImage does nothing there, so draw the photo on a canvas no larger than 1600 px on
 * its long side and lower the JPEG quality until it fits in 600 KB.
 */
async function compressOnCanvas(picked: Picked): Promise<Picked> {
  const image = await loadImage(picked.path);
  const scale = Math.min(1, MAX_SIDE / Math.max(image.naturalWidth, image.naturalHeight));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
  canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
  const context = canvas.getContext('2d');
  if (!context) return picked;
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  let blob: Blob | undefined;
  for (const quality of [0.85, 0.75, 0.6, 0.45, 0.3]) {
    blob = await toBlob(canvas, quality);
    if (blob.size <= MAX_PHOTO_BYTES) break;
  }
  if (!blob) return picked;
  return { path: URL.createObjectURL(blob), size: blob.size };
}

function fileSize(path: string): Promise<number> {
  return new Promise((resolve) => {
    try {
      Taro.getFileSystemManager().getFileInfo({
        filePath: path,
        success: (res) => resolve(res.size),
        fail: () => resolve(0),
      });
    } catch {
      resolve(0);
    }
  });
}

/** Mini programs: the platform's compressImage, stronger until the photo fits in 600 KB. */
async function compressNative(picked: Picked): Promise<Picked> {
  let current = picked;
  for (const quality of [80, 60, 40]) {
    if (current.size > 0 && current.size <= MAX_PHOTO_BYTES) return current;
    const res = await Taro.compressImage({ src: picked.path, quality, compressedWidth: MAX_SIDE } as Taro.compressImage.Option);
    if (!res.tempFilePath || (res.errMsg && !res.errMsg.endsWith(':ok'))) return current;
    current = { path: res.tempFilePath, size: await fileSize(res.tempFilePath) };
  }
  return current;
}

/** The photo made small enough to send (≤ 600 KB). */
export function compressPhoto(picked: Picked): Promise<Picked> {
  return process.env.TARO_ENV === 'h5' ? compressOnCanvas(picked) : compressNative(picked);
}
