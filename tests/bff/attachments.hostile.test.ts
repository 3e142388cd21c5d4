import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { loginParent, validApplication } from '../support/fixtures';
import { cardPhotoJpeg, cardPhotoPng } from '../support/photos/generate';
import { multipart, uploadPhoto } from '../support/photos/upload';
import { api, startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(180_000);

/** A PNG whose header claims another size (IHDR rewritten, CRC fixed): a decompression bomb's calling card. */
function withDeclaredSize(png: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(png);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)) >>> 0, 29);
  return out;
}

describe('hostile uploads', () => {
  let server: TestServer;
  let token: string;
  let id: string;
  let jpeg: Buffer;
  let huge: Buffer;
  beforeAll(async () => {
    server = await startTestServer();
    token = await loginParent(server.url);
    id = (await api(server.url, 'POST', '/api/v1/applications', { token, body: validApplication() })).body.id;
    jpeg = await cardPhotoJpeg();
    huge = await sharp({ create: { width: 16000, height: 16000, channels: 3, background: '#ddd' } })
      .png({ compressionLevel: 1 })
      .toBuffer();
  });
  afterAll(() => server.close());

  afterEach(async () => {
    // Nothing of a refused upload is kept: no record, no object, no chunk.
    expect(await server.connection.collection('attachments').countDocuments()).toBe(0);
    expect(await server.connection.collection('photo_objects.files').countDocuments()).toBe(0);
    expect(await server.connection.collection('photo_objects.chunks').countDocuments()).toBe(0);
  });

  const cases: [string, () => Promise<Buffer> | Buffer, { type?: string; filename?: string }, number, string][] = [
    [
      'a PNG declaring 50000×50000',
      async () => withDeclaredSize(await cardPhotoPng({ width: 640, height: 480 }), 50000, 50000),
      { type: 'image/png' },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['a real 16000×16000 PNG', () => huge, { type: 'image/png' }, 413, 'PAYLOAD_TOO_LARGE'],
    ['a truncated JPEG', () => jpeg.subarray(0, Math.floor(jpeg.length / 2)), {}, 400, 'PHOTO_UNREADABLE'],
    [
      'an SVG declared as JPEG',
      () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="2000" height="1200"><script>alert(1)</script></svg>'),
      {},
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['a zero-byte file', () => Buffer.alloc(0), {}, 400, 'BAD_REQUEST'],
    [
      'a JPEG with a PHP tail',
      () => Buffer.concat([jpeg, Buffer.from('<?php system($_GET["c"]); ?>')]),
      {},
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a JPEG with an HTML tail',
      () => Buffer.concat([jpeg, Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>')]),
      {},
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'an 11 MB file',
      () => Buffer.concat([jpeg.subarray(0, 3), Buffer.alloc(11 * 1024 * 1024, 7)]),
      {},
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'a GIF renamed .jpg',
      () =>
        sharp({ create: { width: 800, height: 600, channels: 3, background: '#abc' } })
          .gif()
          .toBuffer(),
      { filename: 'card.jpg' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a PDF',
      () => Buffer.from('%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF'),
      { type: 'application/pdf' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'an iPhone HEIC (HEVC)',
      () => readFileSync(path.join(__dirname, '../support/photos/hevc.heic')),
      { type: 'image/heic' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
  ];

  test.each(cases)(
    'when the file is %s, then it is refused with a Chinese message and nothing is stored',
    async (_name, make, options, status, code) => {
      const res = await uploadPhoto(server.url, token, id, 'mother_id_front', await make(), options);
      expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.detail).toMatch(/\p{Script=Han}/u);
      expect(JSON.stringify(res.body)).not.toMatch(/stack|Error:/);
    },
  );

  test('when the HEIC is refused, then the message says how to switch the camera to JPEG', async () => {
    const res = await uploadPhoto(
      server.url,
      token,
      id,
      'mother_id_front',
      readFileSync(path.join(__dirname, '../support/photos/hevc.heic')),
    );
    expect(res.body.detail).toContain('兼容性最佳');
  });

  test('when the body carries two files, then it is 400 and nothing is stored', async () => {
    const res = await multipart(server.url, `/api/v1/applications/${id}/attachments`, token, [
      { name: 'kind', value: 'mother_id_front' },
      { name: 'file', file: jpeg },
      { name: 'file', file: jpeg },
    ]);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'BAD_REQUEST' });
    expect(res.body.detail).toContain('一次只能上传一张照片');
  });

  test('when a field carries 1 MB, then it is 413 and nothing is stored', async () => {
    const res = await multipart(server.url, `/api/v1/applications/${id}/attachments`, token, [
      { name: 'kind', value: 'x'.repeat(1024 * 1024) },
      { name: 'file', file: jpeg },
    ]);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  test('when the body is JSON instead of multipart, or has no file, then it says how to upload', async () => {
    const json = await api(server.url, 'POST', `/api/v1/applications/${id}/attachments`, {
      token,
      body: { kind: 'mother_id_front' },
    });
    expect({ status: json.status, code: json.body.code }).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    const noFile = await multipart(server.url, `/api/v1/applications/${id}/attachments`, token, [
      { name: 'kind', value: 'mother_id_front' },
    ]);
    expect(noFile.status).toBe(400);
    expect(noFile.body.errors).toEqual([{ path: 'file', message: expect.stringContaining('请选择') }]);
  });

  const quality: [string, Parameters<typeof cardPhotoJpeg>[0], string, string][] = [
    ['blurred', { blur: 5 }, 'PHOTO_BLURRY', '模糊'],
    ['dark', { brightness: 0.2 }, 'PHOTO_TOO_DARK', '太暗'],
    ['tiny', { width: 480, height: 360 }, 'PHOTO_TOO_SMALL', '太小'],
    ['washed out', { brightness: 2.2 }, 'PHOTO_OVEREXPOSED', '过亮'],
    ['of a square thing, not a card', { cardAspect: 1, cardWidthShare: 0.5 }, 'PHOTO_NOT_ID_CARD', '不是身份证'],
  ];

  test.each(quality)(
    'when the photo is %s, then it is 422 with its own code and a message on how to retake it',
    async (_name, options, code, words) => {
      const res = await uploadPhoto(server.url, token, id, 'father_id_front', await cardPhotoJpeg(options));
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code });
      expect(res.body.detail).toContain(words);
      expect(res.body.detail).toMatch(/请/);
    },
  );
});
