import sharp from 'sharp';
import { loginParent, validApplication } from '../support/fixtures';
import { cardPhotoJpeg, cardPhotoPng, cardPhotoRaw, hasGps } from '../support/photos/generate';
import { getBytes, uploadPhoto } from '../support/photos/upload';
import { api, startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

describe('photo upload', () => {
  let server: TestServer;
  let phone: Buffer;
  beforeAll(async () => {
    server = await startTestServer();
    // A phone photo held sideways: stored as 1600×1200 landscape with EXIF "rotate 90° CW" and GPS.
    const upright = await cardPhotoRaw({ width: 1200, height: 1600, noise: 6 });
    phone = await sharp(
      await sharp(upright.data, { raw: { width: 1200, height: 1600, channels: 3 } })
        .rotate(-90)
        .png()
        .toBuffer(),
    )
      .jpeg({ quality: 90 })
      .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '30/1 15/1 0/1' } } as never)
      .withMetadata({ orientation: 6 })
      .toBuffer();
  });
  afterAll(() => server.close());

  async function draft(token?: string) {
    const t = token ?? (await loginParent(server.url));
    const res = await api(server.url, 'POST', '/api/v1/applications', { token: t, body: validApplication() });
    expect(res.status).toBe(201);
    return { token: t, id: res.body.id as string };
  }

  test('when a sideways phone JPEG with GPS is uploaded, then a rotated, shrunk, watermarked JPEG without any metadata is stored and read back', async () => {
    expect(await hasGps(phone)).toBe(true);
    const { token, id } = await draft();
    const res = await uploadPhoto(server.url, token, id, 'mother_id_front', phone, { filename: 'IMG_0001.jpg' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'mother_id_front', contentType: 'image/jpeg', width: 1200, height: 1600 });
    expect(res.headers.get('location')).toBe(`/api/v1/applications/${id}/attachments/${res.body.id}`);

    const full = await getBytes(server.url, `/api/v1/applications/${id}/attachments/${res.body.id}?size=full`, token);
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('image/jpeg');
    expect(full.headers.get('cache-control')).toContain('no-store');
    const meta = await sharp(full.bytes).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
      format: 'jpeg',
      width: 1200,
      height: 1600,
    });
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(await hasGps(full.bytes)).toBe(false);
    expect(full.bytes.length).toBe(res.body.bytes);

    const thumb = await getBytes(server.url, `/api/v1/applications/${id}/attachments/${res.body.id}`, token);
    const t = await sharp(thumb.bytes).metadata();
    expect(Math.max(t.width!, t.height!)).toBe(320);
    expect(t.exif).toBeUndefined();
  });

  test('when the stored photo is compared with the upload, then the watermark has changed its pixels (a visible mark, not metadata)', async () => {
    const { token, id } = await draft();
    const plain = await cardPhotoJpeg();
    const res = await uploadPhoto(server.url, token, id, 'father_id_front', plain);
    expect(res.status).toBe(201);
    const full = await getBytes(server.url, `/api/v1/applications/${id}/attachments/${res.body.id}?size=full`, token);
    const a = await sharp(plain).greyscale().raw().toBuffer();
    const b = await sharp(full.bytes).greyscale().raw().toBuffer();
    let changed = 0;
    for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > 12) changed++;
    // The tiled diagonal text covers a fair share of the photo; compression alone changes far less.
    expect(changed / a.length).toBeGreaterThan(0.01);
  });

  test('when PNG and WebP photos are uploaded, then both are accepted and stored as JPEG', async () => {
    const { token, id } = await draft();
    const png = await cardPhotoPng();
    const webp = await sharp(png).webp({ quality: 90 }).toBuffer();
    const a = await uploadPhoto(server.url, token, id, 'father_id_back', png, { type: 'image/png', filename: 'a.png' });
    const b = await uploadPhoto(server.url, token, id, 'mother_id_back', webp, { type: 'image/webp', filename: 'b.webp' });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect([a.body.contentType, b.body.contentType]).toEqual(['image/jpeg', 'image/jpeg']);
  });

  test('when the same kind is uploaded again, then it replaces the old photo: the old id is 404 and its bytes are gone', async () => {
    const { token, id } = await draft();
    const first = await uploadPhoto(server.url, token, id, 'mother_id_front', await cardPhotoJpeg());
    const second = await uploadPhoto(server.url, token, id, 'mother_id_front', await cardPhotoJpeg({ noise: 4 }));
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).not.toBe(first.body.id);
    expect((await getBytes(server.url, `/api/v1/applications/${id}/attachments/${first.body.id}`, token)).status).toBe(404);
    expect((await getBytes(server.url, `/api/v1/applications/${id}/attachments/${second.body.id}`, token)).status).toBe(200);
    const list = await api(server.url, 'GET', `/api/v1/applications/${id}/attachments`, { token });
    expect(list.body.attachments.map((a: { id: string }) => a.id)).toEqual([second.body.id]);
    const files = await server.connection.collection('photo_objects.files').find({ 'metadata.applicationId': id }).toArray();
    expect(files.map((f) => String(f._id)).sort()).toEqual([`${second.body.id}.full`, `${second.body.id}.thumb`]);
  });

  test('when an upload is retried with the same Idempotency-Key, then one photo is stored and the retry gets the first answer', async () => {
    const { token, id } = await draft();
    const photo = await cardPhotoJpeg();
    const headers = { 'idempotency-key': `upload-${id}-1` };
    const [a, b] = await Promise.all([
      uploadPhoto(server.url, token, id, 'father_id_back', photo, { headers }),
      uploadPhoto(server.url, token, id, 'father_id_back', photo, { headers }),
    ]);
    const c = await uploadPhoto(server.url, token, id, 'father_id_back', photo, { headers });
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect(new Set([a.body.id, b.body.id, c.body.id]).size).toBe(1);
    expect(await server.connection.collection('photo_objects.files').countDocuments({ 'metadata.applicationId': id })).toBe(2);
    const other = await uploadPhoto(server.url, token, id, 'father_id_back', await cardPhotoJpeg({ noise: 3 }), { headers });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  test("when another parent asks for a photo, lists, uploads to or deletes from someone's application, then it is 404", async () => {
    const { token, id } = await draft();
    const up = await uploadPhoto(server.url, token, id, 'mother_id_front', await cardPhotoJpeg());
    const stranger = await loginParent(server.url);
    expect((await getBytes(server.url, `/api/v1/applications/${id}/attachments/${up.body.id}?size=full`, stranger)).status).toBe(
      404,
    );
    expect((await api(server.url, 'GET', `/api/v1/applications/${id}/attachments`, { token: stranger })).status).toBe(404);
    expect((await uploadPhoto(server.url, stranger, id, 'mother_id_front', await cardPhotoJpeg())).status).toBe(404);
    expect(
      (await api(server.url, 'DELETE', `/api/v1/applications/${id}/attachments/${up.body.id}`, { token: stranger })).status,
    ).toBe(404);
    // Their own application does not open someone else's photo either.
    const mine = await draft(stranger);
    expect((await getBytes(server.url, `/api/v1/applications/${mine.id}/attachments/${up.body.id}`, stranger)).status).toBe(404);
  });

  test('when the owner reads and deletes a photo from a draft, then each read is audited and the photo is gone', async () => {
    const { token, id } = await draft();
    const up = await uploadPhoto(server.url, token, id, 'household_booklet', await cardPhotoJpeg());
    await getBytes(server.url, `/api/v1/applications/${id}/attachments/${up.body.id}`, token);
    await getBytes(server.url, `/api/v1/applications/${id}/attachments/${up.body.id}?size=full`, token);
    const audit = await server.components.applicationsRepo.listAudit(id);
    expect(audit.map((a) => [a.role, a.action, a.fields])).toEqual([
      ['parent', 'attachment.read_thumb', ['attachments.household_booklet']],
      ['parent', 'attachment.read_full', ['attachments.household_booklet']],
    ]);
    expect((await api(server.url, 'DELETE', `/api/v1/applications/${id}/attachments/${up.body.id}`, { token })).status).toBe(204);
    expect((await getBytes(server.url, `/api/v1/applications/${id}/attachments/${up.body.id}`, token)).status).toBe(404);
    expect(await server.connection.collection('photo_objects.files').countDocuments({ 'metadata.applicationId': id })).toBe(0);
  });

  test('when the kind is missing or unknown, then it is 400 naming the field and listing the kinds', async () => {
    const { token, id } = await draft();
    const res = await uploadPhoto(server.url, token, id, 'selfie', await cardPhotoJpeg());
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'kind', message: expect.stringContaining('mother_id_front') }]);
  });

  test('when 20 uploads arrive at once, then all are stored and never more than PHOTO_CONCURRENCY are processed at a time', async () => {
    const parents = await Promise.all(Array.from({ length: 20 }, () => draft()));
    const photo = await cardPhotoJpeg({ width: 2000, height: 1500, noise: 6 });
    const results = await Promise.all(
      parents.map(({ token, id }) => uploadPhoto(server.url, token, id, 'mother_id_front', photo)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const gate = server.components.attachments.photoGate;
    expect(gate.peak).toBeLessThanOrEqual(server.config.PHOTO_CONCURRENCY);
    expect({ inFlight: gate.inFlight, queued: gate.queued }).toEqual({ inFlight: 0, queued: 0 });
  });

  test('when the OpenAPI document is read, then it documents the multipart body: field names and the kinds', async () => {
    const doc = (await api(server.url, 'GET', '/api/v1/openapi.json')).body;
    const post = doc.paths['/api/v1/applications/{id}/attachments'].post;
    expect(post.requestBody.content['multipart/form-data'].schema.$ref).toBe('#/components/schemas/AttachmentUpload');
    const upload = doc.components.schemas.AttachmentUpload;
    expect(upload.required).toEqual(['file', 'kind']);
    expect(upload.properties.kind.enum).toEqual([
      'mother_id_front',
      'mother_id_back',
      'father_id_front',
      'father_id_back',
      'household_booklet',
      'marriage_certificate',
    ]);
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '413', '415', '422']));
    expect(doc.paths['/api/v1/dept/tasks/{taskId}/attachments/{attachmentId}'].get).toBeDefined();
  });
});
