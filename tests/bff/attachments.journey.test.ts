import sharp from 'sharp';
import { departmentToken, loginParent, validApplication } from '../support/fixtures';
import { cardPhotoJpeg, cardPhotoPng } from '../support/photos/generate';
import { getBytes, uploadPhoto } from '../support/photos/upload';
import { api, startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(180_000);

const ID_KINDS = ['mother_id_front', 'mother_id_back', 'father_id_front', 'father_id_back'] as const;

describe('photos through an application', () => {
  let server: TestServer;
  let photo: Buffer;
  beforeAll(async () => {
    server = await startTestServer({ SUBMIT_REQUIRES_ID_MATERIALS: 'true' });
    photo = await cardPhotoJpeg({ noise: 4 });
  });
  afterAll(() => server.close());

  async function draft(input: Record<string, unknown> = validApplication()) {
    const token = await loginParent(server.url);
    const res = await api(server.url, 'POST', '/api/v1/applications', { token, body: input });
    expect(res.status).toBe(201);
    return { token, id: res.body.id as string };
  }
  const submit = (token: string, id: string) =>
    api(server.url, 'POST', `/api/v1/applications/${id}/submit`, {
      token,
      headers: { 'idempotency-key': `submit-${id}-${Date.now()}` },
    });
  const event = (token: string, taskId: string, body: Record<string, unknown>) =>
    api(server.url, 'POST', `/api/v1/dept/tasks/${taskId}/events`, {
      token,
      body: { eventId: `ev-${Math.random().toString(36).slice(2)}`, ...body },
    });

  async function uploadAll(token: string, id: string, kinds: readonly string[]) {
    const ids: Record<string, string> = {};
    for (const kind of kinds) {
      const res = await uploadPhoto(server.url, token, id, kind, photo);
      expect(res.status).toBe(201);
      ids[kind] = res.body.id;
    }
    return ids;
  }

  test('when photos are missing, then submit lists every missing one at once, and the marriage certificate only when its number is given', async () => {
    const input = validApplication();
    (input as { marriage: unknown }).marriage = { mode: 'number', certificateNumber: 'J330102-2019-001234' };
    const { token, id } = await draft(input);
    await uploadAll(token, id, ['father_id_back']);
    const res = await submit(token, id);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'attachments.mother_id_front',
      'attachments.mother_id_back',
      'attachments.father_id_front',
      'attachments.marriage_certificate',
    ]);
    for (const e of res.body.errors) expect(e.message).toMatch(/^请上传/);
    const list = await api(server.url, 'GET', `/api/v1/applications/${id}/attachments`, { token });
    expect(list.body.missing).toEqual(res.body.errors);
  });

  test('when four ID photos go in and the application is submitted, then the hospital and the police read them (audited), and medical insurance or another kind is 404', async () => {
    const { token, id } = await draft();
    const ids = await uploadAll(token, id, ID_KINDS);
    const booklet = await uploadPhoto(server.url, token, id, 'household_booklet', await cardPhotoPng());
    expect(booklet.status).toBe(201);
    expect((await submit(token, id)).status).toBe(202);

    // After submit a photo can no longer be swapped or deleted.
    expect((await uploadPhoto(server.url, token, id, 'mother_id_front', photo)).status).toBe(409);
    expect(
      (await api(server.url, 'DELETE', `/api/v1/applications/${id}/attachments/${ids.mother_id_front}`, { token })).status,
    ).toBe(409);

    const hospital = await departmentToken(server.url, 'hospital');
    const task = await api(server.url, 'GET', `/api/v1/dept/tasks/${id}.birth_certificate`, { token: hospital });
    expect(task.body.attachments.map((a: { kind: string }) => a.kind).sort()).toEqual([...ID_KINDS].sort());
    expect(task.body.attachments[0]).toEqual({
      id: expect.any(String),
      kind: expect.any(String),
      kindLabel: expect.any(String),
      bytes: expect.any(Number),
      width: 1600,
      height: 1200,
    });
    const hospitalRead = await getBytes(
      server.url,
      `/api/v1/dept/tasks/${id}.birth_certificate/attachments/${ids.father_id_front}`,
      hospital,
    );
    expect(hospitalRead.status).toBe(200);
    expect((await sharp(hospitalRead.bytes).metadata()).format).toBe('jpeg');
    // The booklet is the police's business, not the hospital's.
    expect(
      (await getBytes(server.url, `/api/v1/dept/tasks/${id}.birth_certificate/attachments/${booklet.body.id}`, hospital)).status,
    ).toBe(404);

    const police = await departmentToken(server.url, 'police');
    // Household registration waits for the birth certificate: not the police's task yet.
    expect(
      (await getBytes(server.url, `/api/v1/dept/tasks/${id}.hukou_registration/attachments/${ids.mother_id_front}`, police))
        .status,
    ).toBe(404);
    expect((await event(hospital, `${id}.birth_certificate`, { type: 'accept' })).status).toBe(200);
    expect(
      (await event(hospital, `${id}.birth_certificate`, { type: 'complete', outputs: { certificateNumber: 'Q330000123' } }))
        .status,
    ).toBe(200);

    const hukou = await api(server.url, 'GET', `/api/v1/dept/tasks/${id}.hukou_registration`, { token: police });
    expect(hukou.body.attachments.map((a: { kind: string }) => a.kind).sort()).toEqual([...ID_KINDS, 'household_booklet'].sort());
    for (const kind of [...ID_KINDS]) {
      const read = await getBytes(server.url, `/api/v1/dept/tasks/${id}.hukou_registration/attachments/${ids[kind]}`, police);
      expect(read.status).toBe(200);
      expect(read.headers.get('content-type')).toBe('image/jpeg');
    }
    // The police reading through the hospital's task, or an unknown photo: 404.
    expect(
      (await getBytes(server.url, `/api/v1/dept/tasks/${id}.birth_certificate/attachments/${ids.mother_id_front}`, police))
        .status,
    ).toBe(404);
    expect((await getBytes(server.url, `/api/v1/dept/tasks/${id}.hukou_registration/attachments/nope`, police)).status).toBe(404);
    // Medical insurance needs no photo at all.
    const insurance = await departmentToken(server.url, 'medical_insurance');
    expect(
      (await getBytes(server.url, `/api/v1/dept/tasks/${id}.medical_insurance/attachments/${ids.mother_id_front}`, insurance))
        .status,
    ).toBe(404);
    // No public URL: without a token it is 401.
    expect(
      (await fetch(`${server.url}/api/v1/dept/tasks/${id}.hukou_registration/attachments/${ids.mother_id_front}`)).status,
    ).toBe(401);

    const audit = (await server.components.applicationsRepo.listAudit(id)).filter((a) => a.action === 'attachment.read');
    expect(audit.map((a) => [a.department, a.itemKey, a.fields[0]])).toEqual([
      ['hospital', 'birth_certificate', 'attachments.father_id_front'],
      ...ID_KINDS.map((k) => ['police', 'hukou_registration', `attachments.${k}`]),
    ]);
  });

  test('when both parents use the shared electronic licence, then the application submits with no photos and the police see the licence codes', async () => {
    const { token, id } = await draft();
    for (const role of ['mother', 'father']) {
      const res = await api(server.url, 'PUT', `/api/v1/applications/${id}/licences/${role}`, { token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ role, source: 'shared_licence', licenceCode: expect.stringContaining('****') });
    }
    const list = await api(server.url, 'GET', `/api/v1/applications/${id}/attachments`, { token });
    expect(list.body.required).toEqual([]);
    expect(list.body.missing).toEqual([]);
    expect((await submit(token, id)).status).toBe(202);
    const hospital = await departmentToken(server.url, 'hospital');
    const task = await api(server.url, 'GET', `/api/v1/dept/tasks/${id}.birth_certificate`, { token: hospital });
    expect(task.body.attachments).toEqual([]);
    expect(
      task.body.licences.map((l: { role: string; licenceCode: string }) => [l.role, l.licenceCode.startsWith('DEV-ZJ-SFZ-')]),
    ).toEqual([
      ['mother', true],
      ['father', true],
    ]);
  });

  test('when the licence library has no licence for a parent, or the ID number changes after choosing it, then the parent is told to upload photos', async () => {
    const input = validApplication();
    // The dev library has no licence for sequence 999.
    const id17 = `${input.father.idNumber.slice(0, 14)}999`;
    const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const check = '10X98765432'[[...id17].reduce((s, d, i) => s + Number(d) * weights[i], 0) % 11];
    input.father.idNumber = `${id17}${check}`;
    const { token, id } = await draft(input);
    const none = await api(server.url, 'PUT', `/api/v1/applications/${id}/licences/father`, { token });
    expect({ status: none.status, code: none.body.code }).toEqual({ status: 422, code: 'LICENCE_NOT_FOUND' });
    expect(none.body.detail).toContain('上传身份证正反面照片');

    expect((await api(server.url, 'PUT', `/api/v1/applications/${id}/licences/mother`, { token })).status).toBe(200);
    const current = await api(server.url, 'GET', `/api/v1/applications/${id}`, { token });
    const patched = await api(server.url, 'PATCH', `/api/v1/applications/${id}`, {
      token,
      headers: { 'if-match': current.headers.get('etag')! },
      body: { mother: { idNumber: validApplication().mother.idNumber } },
    });
    expect(patched.status).toBe(200);
    const res = await submit(token, id);
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({ path: 'licences.mother', message: expect.stringContaining('不一致') });
  });

  test('when a department rejects an item pointing at a photo, then resubmit waits for the replacement, which the parent may then upload', async () => {
    const { token, id } = await draft();
    const ids = await uploadAll(token, id, ID_KINDS);
    expect((await submit(token, id)).status).toBe(202);
    const hospital = await departmentToken(server.url, 'hospital');
    const rejected = await event(hospital, `${id}.birth_certificate`, {
      type: 'reject',
      reasons: [{ field: 'attachments.mother_id_front', message: '母亲身份证正面照片模糊，请重新上传清晰照片' }],
    });
    expect(rejected.status).toBe(200);

    const early = await api(server.url, 'POST', `/api/v1/applications/${id}/items/birth_certificate/resubmit`, {
      token,
      body: { corrections: {} },
    });
    expect(early.status).toBe(400);
    expect(early.body.errors).toEqual([{ path: 'attachments.mother_id_front', message: expect.stringContaining('重新上传') }]);
    // Only the kind the rejection names may be replaced.
    expect((await uploadPhoto(server.url, token, id, 'father_id_front', photo)).status).toBe(409);
    const replacement = await uploadPhoto(server.url, token, id, 'mother_id_front', await cardPhotoJpeg({ noise: 2 }));
    expect(replacement.status).toBe(201);
    const res = await api(server.url, 'POST', `/api/v1/applications/${id}/items/birth_certificate/resubmit`, {
      token,
      body: { corrections: {} },
    });
    expect(res.status).toBe(200);
    const task = await api(server.url, 'GET', `/api/v1/dept/tasks/${id}.birth_certificate`, { token: hospital });
    const front = task.body.attachments.find((a: { kind: string }) => a.kind === 'mother_id_front');
    expect(front.id).toBe(replacement.body.id);
    expect(front.id).not.toBe(ids.mother_id_front);
  });

  test('when a draft with photos is withdrawn or swept, then its photos and licence choices are gone from every collection', async () => {
    const a = await draft();
    await uploadAll(a.token, a.id, ['mother_id_front', 'father_id_back']);
    await api(server.url, 'PUT', `/api/v1/applications/${a.id}/licences/mother`, { token: a.token });
    expect((await api(server.url, 'DELETE', `/api/v1/applications/${a.id}`, { token: a.token })).status).toBe(204);

    const b = await draft();
    await uploadAll(b.token, b.id, ['mother_id_back']);
    // Sweep with a clock past the retention period: the draft, then its photos, go.
    const { createSweeper } = await import('../../bff/src/components/applications/applications.sweeper');
    const later = () => new Date(Date.now() + (server.config.DRAFT_RETENTION_HOURS + 1) * 3600_000);
    const sweeper = createSweeper({
      repo: server.components.applicationsRepo,
      applications: server.components.applications,
      idempotency: server.components.idempotency,
      draftRetentionHours: server.config.DRAFT_RETENTION_HOURS,
      now: later,
      attachments: server.components.attachments,
    });
    const swept = await sweeper.sweepOnce();
    expect(swept.drafts).toBeGreaterThanOrEqual(1);

    for (const id of [a.id, b.id]) {
      expect(await server.connection.collection('attachments').countDocuments({ applicationId: id })).toBe(0);
      expect(await server.connection.collection('licence_choices').countDocuments({ applicationId: id })).toBe(0);
      expect(await server.connection.collection('photo_objects.files').countDocuments({ 'metadata.applicationId': id })).toBe(0);
    }
    const files = await server.connection
      .collection('photo_objects.files')
      .find({}, { projection: { _id: 1 } })
      .toArray();
    const chunks = await server.connection.collection('photo_objects.chunks').distinct('files_id');
    expect(chunks.map(String).sort()).toEqual(files.map((f) => String(f._id)).sort());
  });

  test('when the whole database is scanned, then no image bytes are stored unencrypted anywhere', async () => {
    const { token, id } = await draft();
    const ids = await uploadAll(token, id, ['mother_id_front']);
    const png = await uploadPhoto(server.url, token, id, 'father_id_front', await cardPhotoPng());
    // What is stored, in clear, as the owner reads it back: none of it may sit in the database as such.
    const stored = [
      (await getBytes(server.url, `/api/v1/applications/${id}/attachments/${ids.mother_id_front}?size=full`, token)).bytes,
      (await getBytes(server.url, `/api/v1/applications/${id}/attachments/${png.body.id}`, token)).bytes,
    ];
    const windows = stored.flatMap((b) =>
      [0, 1000, Math.floor(b.length / 2), b.length - 40].map((at) => b.subarray(at, at + 32)),
    );
    windows.push(photo.subarray(0, 32), photo.subarray(5000, 5032));
    const imageStart = [Buffer.from([0xff, 0xd8, 0xff]), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
    let scanned = 0;
    for (const { name } of await server.connection.db!.listCollections().toArray()) {
      for (const doc of await server.connection.collection(name).find().toArray()) {
        const blobs: Buffer[] = [Buffer.from(JSON.stringify(doc))];
        const walk = (v: unknown) => {
          if (v && typeof v === 'object') {
            const b = v as { _bsontype?: string; buffer?: Uint8Array };
            if (b._bsontype === 'Binary' && b.buffer) blobs.push(Buffer.from(b.buffer));
            else for (const x of Object.values(v)) walk(x);
          }
        };
        walk(doc);
        for (const blob of blobs) {
          scanned++;
          const found = {
            name,
            startsAsImage: imageStart.some((sig) => blob.subarray(0, sig.length).equals(sig)),
            containsImageBytes: windows.some((w) => blob.includes(w)),
          };
          expect(found).toEqual({ name, startsAsImage: false, containsImageBytes: false });
        }
      }
    }
    expect(scanned).toBeGreaterThan(5);
  });

  test('when a completed application is older than PHOTO_RETENTION_DAYS, then the sweeper deletes its photos, and not before', async () => {
    let offsetDays = 0;
    const clocked = await startTestServer(
      { PHOTO_RETENTION_DAYS: '30' },
      { now: () => new Date(Date.now() + offsetDays * 86400_000) },
    );
    try {
      const token = await loginParent(clocked.url);
      const { body } = await api(clocked.url, 'POST', '/api/v1/applications', { token, body: validApplication() });
      const id = body.id as string;
      expect((await uploadPhoto(clocked.url, token, id, 'mother_id_front', photo)).status).toBe(201);
      // Marked completed through the one versioned write path (walking five items through departments is another test's job).
      const repo = clocked.components.applicationsRepo;
      const { changed } = await repo.change(id, () => ({
        update: { $set: { status: 'completed', updatedAt: new Date() } },
        result: null,
      }));
      expect(changed).toBe(true);
      const count = () => clocked.connection.collection('attachments').countDocuments({ applicationId: id });
      offsetDays = 29;
      await clocked.components.sweeper.sweepOnce();
      expect(await count()).toBe(1);
      offsetDays = 31;
      const swept = await clocked.components.sweeper.sweepOnce();
      expect(swept.attachments).toBeGreaterThanOrEqual(1);
      expect(await count()).toBe(0);
      expect(await clocked.connection.collection('photo_objects.files').countDocuments({ 'metadata.applicationId': id })).toBe(0);
    } finally {
      await clocked.close();
    }
  });
});
