import { loadConfig } from '../../config';
import { startAliyunSmsFake } from '../support/fakes';
import { departmentToken, submittedApplication, validApplication } from '../support/fixtures';
import { api, startTestServer, type TestServer } from '../support/test-server';

describe('SMS through a real vendor adapter', () => {
  let fake: Awaited<ReturnType<typeof startAliyunSmsFake>>;
  let server: TestServer;
  beforeAll(async () => {
    fake = await startAliyunSmsFake({
      accessKeyId: 'LTAI-test-key',
      accessKeySecret: 'aliyun-test-secret-0123456789',
      signNames: ['浙里办出生一件事'],
      templates: { SMS_700001: ['count'], SMS_700002: ['item', 'count'] },
    });
    server = await startTestServer({
      SMS_VENDOR: 'aliyun',
      SMS_ENDPOINT: fake.url,
      SMS_ACCESS_KEY_ID: 'LTAI-test-key',
      SMS_ACCESS_KEY_SECRET: 'aliyun-test-secret-0123456789',
      SMS_SIGN_NAME: '浙里办出生一件事',
      SMS_TEMPLATES: JSON.stringify({ application_submitted: 'SMS_700001', item_rejected: 'SMS_700002' }),
      RELAY_ENABLED: 'false',
      // No subscription credits: every notice worth an SMS goes by SMS.
      DEV_PUSH_WITHOUT_SUBSCRIPTION: 'false',
    });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  test('when notices go out, then a signed SendSms reaches the vendor with the mapped template, once, to the guardian', async () => {
    const input = validApplication();
    const { id } = await submittedApplication(server.url, input);
    await server.components.relay.runOnce();
    await server.components.relay.runOnce();
    const mine = () => fake.sent.filter((m) => m.phoneNumbers === input.father.phone);
    expect(mine()).toEqual([expect.objectContaining({ templateCode: 'SMS_700001', signName: '浙里办出生一件事' })]);
    expect(mine()[0].templateParam).toEqual({ count: '5' });

    // A notice with no approved template (accepted) sends no SMS; a rejection does.
    const hospital = await departmentToken(server.url, 'hospital');
    await api(server.url, 'POST', `/api/v1/dept/tasks/${id}.birth_certificate/events`, {
      token: hospital,
      body: { eventId: `accept-${id}`, type: 'accept' },
    });
    await server.components.relay.runOnce();
    expect(mine()).toHaveLength(1);
    await api(server.url, 'POST', `/api/v1/dept/tasks/${id}.birth_certificate/events`, {
      token: hospital,
      body: { eventId: `reject-${id}`, type: 'reject', reasons: [{ message: '出生时间与医院记录不一致' }] },
    });
    await server.components.relay.runOnce();
    expect(mine().map((m) => m.templateCode)).toEqual(['SMS_700001', 'SMS_700002']);
    expect(mine()[1].templateParam).toEqual({ item: '出生医学证明', count: '1' });
    expect(server.logs.join('')).not.toContain(input.father.phone);
  });

  test('when a real SMS vendor is chosen without its keys, then start-up names every missing one', () => {
    expect(() => loadConfig({ MONGODB_URI: 'mongodb://127.0.0.1:27017/', SMS_VENDOR: 'tencent', SMS_TEMPLATES: '[1]' })).toThrow(
      /SMS_ENDPOINT: required when SMS_VENDOR=tencent.*SMS_SDK_APP_ID: required.*SMS_TEMPLATES: must be a JSON object/,
    );
  });
});
