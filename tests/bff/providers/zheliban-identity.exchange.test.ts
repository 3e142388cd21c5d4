import { createZhelibanIdentity } from '../../../bff/src/providers/identity/zheliban.identity';
import { startZhelibanFake, ZHELIBAN_FAKE_PATHS, type ZhelibanFake } from '../../support/fakes';
import { expectProviderError } from './expect-provider-error';

const CREDS = { accessKey: 'BCDSGA_0123456789abcdef0123456789ab', secretKey: 'BCDSGS_fedcba9876543210fedcba987654' };
const APP_ID = '2002276620';
let fake: ZhelibanFake;

beforeEach(async () => {
  fake = await startZhelibanFake({ ...CREDS, appId: APP_ID });
});
afterEach(() => fake.close());

const adapter = (overrides: Partial<Parameters<typeof createZhelibanIdentity>[0]> = {}) =>
  createZhelibanIdentity({ baseUrl: fake.url, ...CREDS, appId: APP_ID, timeoutMs: 2000, ...overrides });

describe('浙里办 SSO ticket adapter', () => {
  it('when the ticket is valid, then userId is the subject and the name the display name', async () => {
    const ticket = fake.issueTicket({ userId: '8a1187d87c3d9e41017c4f7ebe4d1c4b', userName: '张三' });
    await expect(adapter().exchange(ticket)).resolves.toEqual({
      subject: '8a1187d87c3d9e41017c4f7ebe4d1c4b',
      displayName: '张三',
    });
    expect(fake.requests.map((r) => r.path)).toEqual([ZHELIBAN_FAKE_PATHS.accessToken, ZHELIBAN_FAKE_PATHS.userInfo]);
    const [tokenReq] = fake.requests;
    expect(JSON.parse(tokenReq!.body)).toEqual({ ticketId: ticket, appId: APP_ID });
    expect(tokenReq!.headers).toMatchObject({ 'x-bg-hmac-access-key': CREDS.accessKey, 'x-bg-hmac-algorithm': 'hmac-sha256' });
    expect(tokenReq!.headers['x-bg-date-time']).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  });

  it('when the ticket is unknown or used, then C-USER-SSO-TICKET-INVALID maps to invalid_code', async () => {
    const ticket = fake.issueTicket({ userId: 'u1' });
    await adapter().exchange(ticket);
    const err = await expectProviderError(adapter().exchange(ticket), {
      kind: 'invalid_code',
      retryable: false,
      providerCode: 'C-USER-SSO-TICKET-INVALID',
    });
    expect(err.message).not.toContain(ticket);
  });

  it.each([
    ['C-USER-SSO-TOKEN-INVALID', 'invalid_code', false],
    ['C-USER-SSO-USER-EMPTY', 'unknown', false],
    ['SOMETHING-ELSE', 'unknown', false],
  ] as const)('when the SSO answers %s, then %s (retryable: %s)', async (code, kind, retryable) => {
    fake.setNextError(code);
    await expectProviderError(adapter().exchange(fake.issueTicket({ userId: 'u1' })), { kind, retryable, providerCode: code });
  });

  it('when the secret key is wrong, then the gateway answers 401 Invalid signature and it maps to invalid_credentials', async () => {
    await expectProviderError(adapter({ secretKey: 'wrong' }).exchange(fake.issueTicket({ userId: 'u1' })), {
      kind: 'invalid_credentials',
      retryable: false,
      providerCode: 'INVALID_SIGNATURE',
    });
  });

  it('when the access key is unknown, then 401 Invalid access key maps to invalid_credentials', async () => {
    await expectProviderError(adapter({ accessKey: 'not-ours' }).exchange('tk'), {
      kind: 'invalid_credentials',
      retryable: false,
      providerCode: 'INVALID_ACCESS_KEY',
    });
  });

  it('when our clock is more than 90 s off, then "Clock skew exceeded" is a non-retryable bad_request', async () => {
    const skewed = await startZhelibanFake({ ...CREDS, clockOffsetMs: 120_000 });
    try {
      await expectProviderError(createZhelibanIdentity({ baseUrl: skewed.url, ...CREDS, timeoutMs: 1000 }).exchange('tk'), {
        kind: 'bad_request',
        retryable: false,
        providerCode: 'CLOCK_SKEW_EXCEEDED',
      });
    } finally {
      await skewed.close();
    }
  });

  it('when the gateway fails with a 5xx, then a retryable unavailable', async () => {
    await fake.close();
    const { startFakeServer } = await import('../../support/fakes');
    const broken = await startFakeServer(() => ({ status: 502, body: '<html>502 Bad Gateway</html>' }));
    await expectProviderError(createZhelibanIdentity({ baseUrl: broken.url, ...CREDS, timeoutMs: 1000 }).exchange('tk'), {
      kind: 'unavailable',
      retryable: true,
      providerCode: 'HTTP_502',
    });
    await broken.close();
    fake = await startZhelibanFake({ ...CREDS, appId: APP_ID });
  });

  it('when the gateway never answers, then a retryable unavailable at the timeout', async () => {
    fake.setNeverAnswer(true);
    await expectProviderError(adapter({ timeoutMs: 150 }).exchange('tk'), {
      kind: 'unavailable',
      retryable: true,
      providerCode: 'TIMEOUT',
    });
  });
});
