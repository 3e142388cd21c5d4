import { ITEM_KEYS } from '@birth/shared';
import { departmentToken, idNumber, submittedApplication, validApplication } from '../support/fixtures';
import { api, startTestServer, type TestServer } from '../support/test-server';

describe('the whole journey through the API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  async function tasksOf(dept: string, token: string, status: string) {
    const res = await api(server.url, 'GET', `/api/v1/dept/tasks?status=${status}`, { token });
    expect(res.status).toBe(200);
    return res.body.tasks as any[];
  }

  async function event(token: string, taskId: string, body: Record<string, unknown>) {
    const res = await api(server.url, 'POST', `/api/v1/dept/tasks/${taskId}/events`, { token, body });
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
    return res.body;
  }

  test('when parents submit and the four departments process, then every item ends delivered and outputs flow to later items', async () => {
    const input = validApplication();
    const { token, id } = await submittedApplication(server.url, input);
    const t = {
      hospital: await departmentToken(server.url, 'hospital'),
      police: await departmentToken(server.url, 'police'),
      medical_insurance: await departmentToken(server.url, 'medical_insurance'),
      social_security: await departmentToken(server.url, 'social_security'),
    };

    let progress = await api(server.url, 'GET', `/api/v1/applications/${id}/progress`, { token });
    const states = () => Object.fromEntries((progress.body.items as any[]).map((i) => [i.key, i.state]));
    expect(states()).toEqual({
      birth_certificate: 'dispatched',
      vaccination_certificate: 'waiting',
      hukou_registration: 'waiting',
      medical_insurance: 'waiting',
      social_security_card: 'waiting',
    });
    expect(progress.body.items[0].dueAt).toEqual(expect.any(String));
    expect(progress.body.newbornName).toBe(input.newborn.name);
    expect(progress.body.items[0].delivery).toMatchObject({
      method: 'mail',
      recipient: input.mother.name,
      phone: expect.stringMatching(/^\d{3}\*{4}\d{4}$/),
    });
    expect(progress.body.items[1].delivery).toMatchObject({
      method: 'pickup',
      pickupPoint: { id: 'hz-citizen-center', name: expect.any(String) },
    });
    expect(progress.body.items.find((i: any) => i.key === 'medical_insurance').delivery).toBeUndefined();

    // Hospital: birth certificate.
    const birth = (await tasksOf('hospital', t.hospital, 'dispatched')).find((x) => x.applicationId === id);
    expect(birth.itemKey).toBe('birth_certificate');
    expect(birth.data.household).toBeUndefined(); // the hospital does not see the household address
    expect(birth.data.mother.idNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/); // masked in lists
    await event(t.hospital, birth.taskId, { eventId: `${id}-bc-accept`, type: 'accept' });
    await event(t.hospital, birth.taskId, {
      eventId: `${id}-bc-complete`,
      type: 'complete',
      outputs: { certificateNumber: 'Q330012345' },
    });

    progress = await api(server.url, 'GET', `/api/v1/applications/${id}/progress`, { token });
    expect(states()).toMatchObject({
      birth_certificate: 'completed',
      vaccination_certificate: 'dispatched',
      hukou_registration: 'dispatched',
      medical_insurance: 'waiting',
    });
    expect(progress.body.acceptedAt).toEqual(expect.any(String));
    expect(progress.body.dueAt).toEqual(expect.any(String));

    // Police: the task carries the birth certificate number, and no insurance data.
    const hukou = (await tasksOf('police', t.police, 'dispatched')).find((x) => x.applicationId === id);
    const hukouFull = await api(server.url, 'GET', `/api/v1/dept/tasks/${hukou.taskId}`, { token: t.police });
    expect(hukouFull.status).toBe(200);
    expect(hukouFull.body.upstream).toEqual({ certificateNumber: 'Q330012345' });
    expect(hukouFull.body.data.mother.idNumber).toBe(input.mother.idNumber); // the officer handling it sees it in clear (audited)
    expect(JSON.stringify(hukouFull.body)).not.toMatch(/insuranceNumber|cardNumber/);
    const audit = await server.components.applicationsRepo.listAudit(id);
    expect(audit.filter((a) => a.department === 'police')).toEqual([
      expect.objectContaining({ action: 'task.list', actor: 'dev-police', itemKey: 'hukou_registration' }),
      expect.objectContaining({ action: 'task.read', actor: 'dev-police', itemKey: 'hukou_registration' }),
    ]);
    expect(audit.find((a) => a.department === 'hospital')).toMatchObject({ action: 'task.list', itemKey: 'birth_certificate' });

    const birthDate = input.newborn.birthDateTime;
    const chinaDay = new Date(new Date(birthDate).getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
    const newbornId = idNumber(chinaDay, 'female');
    await event(t.police, hukou.taskId, { eventId: `${id}-hk-accept`, type: 'accept' });
    await event(t.police, hukou.taskId, {
      eventId: `${id}-hk-complete`,
      type: 'complete',
      outputs: { newbornIdNumber: newbornId, hukouBookletNumber: 'HK20261122001' },
    });

    // Medical insurance sees the newborn's ID number from the household registration, and not the address detail of the mail.
    const insurance = (await tasksOf('medical_insurance', t.medical_insurance, 'dispatched')).find((x) => x.applicationId === id);
    const insuranceFull = await api(server.url, 'GET', `/api/v1/dept/tasks/${insurance.taskId}`, { token: t.medical_insurance });
    expect(insuranceFull.body.upstream.newbornIdNumber).toBe(newbornId);
    expect(insuranceFull.body.data.guardian).toMatchObject({
      relationship: 'father',
      name: input.father.name,
      idNumber: input.father.idNumber,
    });
    expect(insuranceFull.body.data.delivery).toBeUndefined();
    expect(insuranceFull.body.data.marriage).toBeUndefined();
    await event(t.medical_insurance, insurance.taskId, { eventId: `${id}-mi-accept`, type: 'accept' });
    await event(t.medical_insurance, insurance.taskId, {
      eventId: `${id}-mi-complete`,
      type: 'complete',
      outputs: { insuranceNumber: 'YB3301000001' },
    });

    const card = (await tasksOf('social_security', t.social_security, 'dispatched')).find((x) => x.applicationId === id);
    expect(card.upstream).toMatchObject({ insuranceNumber: 'YB3301000001' });
    expect(card.upstream.newbornIdNumber).toMatch(/\*{8}/); // masked in the list
    await event(t.social_security, card.taskId, { eventId: `${id}-sc-accept`, type: 'accept' });
    await event(t.social_security, card.taskId, {
      eventId: `${id}-sc-complete`,
      type: 'complete',
      outputs: { cardNumber: 'SSC0000000001' },
    });

    // Vaccination (pickup) and the mailed items.
    const vacc = (await tasksOf('hospital', t.hospital, 'dispatched')).find((x) => x.applicationId === id);
    expect(vacc.itemKey).toBe('vaccination_certificate');
    await event(t.hospital, vacc.taskId, { eventId: `${id}-vc-accept`, type: 'accept' });
    await event(t.hospital, vacc.taskId, {
      eventId: `${id}-vc-complete`,
      type: 'complete',
      outputs: { certificateNumber: 'V330012345' },
    });
    await event(t.hospital, vacc.taskId, {
      eventId: `${id}-vc-ready`,
      type: 'ready_for_pickup',
      place: '杭州市民中心',
      hours: '工作日 9:00-17:00',
    });
    await event(t.hospital, vacc.taskId, { eventId: `${id}-vc-deliver`, type: 'deliver' });
    for (const [dept, key, taskId] of [
      ['hospital', 'bc', birth.taskId],
      ['police', 'hk', hukou.taskId],
      ['social_security', 'sc', card.taskId],
    ] as const) {
      await event(t[dept], taskId, {
        eventId: `${id}-${key}-ship`,
        type: 'ship',
        carrier: 'EMS',
        trackingNumber: `EMS${key}0001`,
      });
      await event(t[dept], taskId, { eventId: `${id}-${key}-deliver`, type: 'deliver' });
    }

    progress = await api(server.url, 'GET', `/api/v1/applications/${id}/progress`, { token });
    expect(states()).toEqual({
      birth_certificate: 'delivered',
      vaccination_certificate: 'delivered',
      hukou_registration: 'delivered',
      medical_insurance: 'completed',
      social_security_card: 'delivered',
    });
    expect(progress.body.status).toBe('completed');
    const hukouItem = progress.body.items.find((i: any) => i.key === 'hukou_registration');
    expect(hukouItem.outputs.newbornIdNumber).toMatch(/^\d{6}\*{8}[\dX]{4}$/); // parents see it masked
    expect(progress.body.timeline.length).toBeGreaterThan(ITEM_KEYS.length * 2);
  });

  test('when a department rejects with several reasons, then the parent sees all of them at once and resubmits that item only', async () => {
    const { token, id } = await submittedApplication(server.url);
    const hospital = await departmentToken(server.url, 'hospital');
    const task = (await tasksOf('hospital', hospital, 'dispatched')).find((x) => x.applicationId === id);
    const reasons = [
      { code: 'PHOTO_BLURRY', field: 'mother.idNumber', message: '母亲身份证正面照片模糊，请重新上传清晰照片' },
      { code: 'NAME_MISMATCH', field: 'father.name', message: '父亲姓名与身份证不一致' },
      { message: '出生时间与医院记录不一致，请核对' },
    ];
    await event(hospital, task.taskId, { eventId: `${id}-reject-1`, type: 'reject', reasons });

    const progress = await api(server.url, 'GET', `/api/v1/applications/${id}/progress`, { token });
    expect(progress.body.status).toBe('needs_correction');
    expect(progress.body.needsCorrection).toEqual([{ key: 'birth_certificate', name: '出生医学证明', reasons }]);
    const before = progress.body.items.filter((i: any) => i.key !== 'birth_certificate');

    const res = await api(server.url, 'POST', `/api/v1/applications/${id}/items/birth_certificate/resubmit`, {
      token,
      body: { corrections: { father: { name: '李大鸣' } }, note: '已更正父亲姓名' },
    });
    expect(res.status).toBe(200);
    const after = await api(server.url, 'GET', `/api/v1/applications/${id}/progress`, { token });
    expect(after.body.status).toBe('in_progress');
    expect(after.body.items.find((i: any) => i.key === 'birth_certificate').state).toBe('dispatched');
    expect(after.body.items.filter((i: any) => i.key !== 'birth_certificate')).toEqual(before);
    const app = await api(server.url, 'GET', `/api/v1/applications/${id}`, { token });
    expect(app.body.data.father.name).toBe('李大鸣');

    // Resubmitting an item that is not rejected is a conflict.
    const again = await api(server.url, 'POST', `/api/v1/applications/${id}/items/birth_certificate/resubmit`, {
      token,
      body: { corrections: {} },
    });
    expect(again.status).toBe(409);
  });
});
