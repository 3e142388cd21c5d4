// The notices department events cause, end to end on a real FerretDB over real HTTP, delivered by the
// server's own relay to the dev push and dev SMS: the pickup SMS with its code, the §6.3.3 payment prompt
// with the configured amount and a deadline from the birth date, and one whole-application-done message.
import { randomUUID } from 'node:crypto';
import { addCalendarDays, ITEM_CATALOGUE, ITEM_KEYS, toChinaDateString } from '@birth/shared';
import { findPersonalData } from '../support/leaks';
import { applicationFor, deptToken, drain, finishAllItems, itemEvent, noticesOf } from '../support/ratings';
import { submittedApplication } from '../support/fixtures';
import { api, startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    SMS_SIGN_NAME: '浙江政务服务网',
    MEDICAL_INSURANCE_FEE: '400',
    MEDICAL_INSURANCE_PAY_WITHIN_DAYS: '90',
    // No subscription credits: the channel policy sends SMS (push would take their place otherwise).
    DEV_PUSH_WITHOUT_SUBSCRIPTION: 'false',
    // Every item of one application finishing within a minute is more SMS than the per-phone hourly cap lets
    // through at once (the rest would wait for the next hour): the caps have their own tests.
    SMS_CAP_PER_HOUR: '50',
    SMS_CAP_PER_DAY: '100',
  });
});
afterAll(() => server.close());

const LONG_PLACE = '杭州市民之家（杭州市行政服务中心）（杭州市上城区解放东路18号市民中心）';

describe('notices from department events', () => {
  test('When every item of an application is done, then the parent gets the pickup code by SMS, the payment prompt and one done message', async () => {
    const input = applicationFor([...ITEM_KEYS]);
    const { id } = await submittedApplication(server.url, input);
    await itemEvent(server.url, id, 'birth_certificate', { type: 'accept' });
    await itemEvent(server.url, id, 'birth_certificate', { type: 'complete', outputs: { certificateNumber: 'R330000001' } });
    await itemEvent(server.url, id, 'vaccination_certificate', { type: 'accept' });
    await itemEvent(server.url, id, 'vaccination_certificate', {
      type: 'complete',
      outputs: { certificateNumber: 'JZ3300000001' },
    });
    await itemEvent(server.url, id, 'vaccination_certificate', {
      type: 'ready_for_pickup',
      place: LONG_PLACE,
      hours: '周一至周五 上午8:30—12:00，下午14:00—17:30（法定节假日除外）',
      pickupCode: '83920174',
    });
    await itemEvent(server.url, id, 'vaccination_certificate', { type: 'deliver' });
    await finishAllItems(server.url, id, input);
    await drain(server);

    const notices = await noticesOf(server, id);
    const byTemplate = (t: string) => notices.filter((n) => n.template === t);
    expect(byTemplate('application_completed')).toHaveLength(1);
    expect(byTemplate('application_completed')[0]!.body).toContain('电子户口簿');

    // §6.3.3: amount from configuration, deadline 90 days after the birth (China date).
    const [payment] = byTemplate('medical_insurance_payment');
    const deadline = addCalendarDays(toChinaDateString(new Date(input.newborn.birthDateTime)), 90);
    const [y, m, d] = deadline.split('-').map(Number);
    expect(payment!.body).toContain(`${y}年${m}月${d}日`);
    expect(payment!.body).toContain('400 元');
    expect(payment!.body).toContain('医保电子凭证');

    // A collected item reads 已领取, a mailed one 已签收.
    const delivered = byTemplate('item_delivered');
    expect(delivered.find((n) => n.itemKey === 'vaccination_certificate')!.title).toBe('“预防接种证”已领取');
    expect(delivered.find((n) => n.itemKey === 'birth_certificate')!.title).toBe('“出生医学证明”已签收');

    // What the dev SMS received: one segment each, signed, nothing personal; the pickup SMS has the code.
    const sms = await server.connection
      .collection('dev_inbox')
      .find({ channel: 'sms', _id: { $in: notices.map((n) => `${String(n._id)}:sms`) } as never })
      .toArray();
    const texts = sms.map((s) => s.text as string);
    expect(texts.length).toBeGreaterThanOrEqual(5);
    for (const text of texts) {
      expect(text.startsWith('【浙江政务服务网】')).toBe(true);
      expect(text.length).toBeLessThanOrEqual(70);
    }
    expect(findPersonalData(texts.join('\n'))).toEqual([]);
    expect(texts).toContain('【浙江政务服务网】预防接种证可领取，取件码83920174，地点：杭州市民之家，请带身份证在办公时间前往。');
    expect(texts.some((t) => t.includes('EMS000000001'))).toBe(true);
    expect(texts.some((t) => t.includes('医保费400元'))).toBe(true);
  });

  test('When the event that finished the application is sent again, then no second done message is written', async () => {
    const input = applicationFor(['birth_certificate']);
    const { id } = await submittedApplication(server.url, input);
    await itemEvent(server.url, id, 'birth_certificate', { type: 'accept' });
    await itemEvent(server.url, id, 'birth_certificate', { type: 'complete', outputs: { certificateNumber: 'R330000002' } });
    await itemEvent(server.url, id, 'birth_certificate', { type: 'ship', carrier: 'EMS', trackingNumber: 'EMS000000002' });
    const last = { eventId: `deliver-${randomUUID()}`, type: 'deliver' };
    const token = await deptToken(server.url, ITEM_CATALOGUE.birth_certificate.department);
    for (let i = 0; i < 2; i++) {
      const res = await api(server.url, 'POST', `/api/v1/dept/tasks/${id}.birth_certificate/events`, { token, body: last });
      expect(res.status).toBe(200);
    }
    const app = await server.components.applicationsRepo.findById(id);
    expect(app!.outbox.filter((e) => e.template === 'application_completed')).toHaveLength(1);
    expect(app!.outbox.filter((e) => e.template === 'medical_insurance_payment')).toHaveLength(0);
  });
});
