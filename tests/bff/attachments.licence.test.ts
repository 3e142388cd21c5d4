import { createIrsLicence, LICENCE_QUERY_PATH } from '../../bff/src/providers/licence';
import { startLicenceFake, LICENCE_FAKE_PATH, type LicenceFake } from '../support/fakes';
import { loginParent, validApplication } from '../support/fixtures';
import { api, startTestServer } from '../support/test-server';
import { expectProviderError } from './providers/expect-provider-error';

jest.setTimeout(120_000);

const CREDS = { accessKey: 'BCDSGA_licence_0123456789abcdef', secretKey: 'BCDSGS_licence_fedcba9876543210' };
let fake: LicenceFake;
beforeEach(async () => {
  fake = await startLicenceFake(CREDS);
});
afterEach(() => fake.close());

const adapter = (overrides: Partial<Parameters<typeof createIrsLicence>[0]> = {}) =>
  createIrsLicence({ baseUrl: fake.url, ...CREDS, timeoutMs: 2000, ...overrides });

describe('shared licence library adapter (IRS gateway)', () => {
  const person = { name: '王芳', idNumber: validApplication().mother.idNumber };

  it('when the person has a licence, then it comes back, and the request is signed for the gateway', async () => {
    expect(LICENCE_QUERY_PATH).toBe(LICENCE_FAKE_PATH);
    const code = fake.register(person);
    await expect(adapter().findIdLicence(person)).resolves.toEqual({
      licenceCode: code,
      holderName: '王芳',
      idNumber: person.idNumber,
      issuer: '杭州市公安局上城分局',
      validUntil: '2036-07-08',
    });
    expect(fake.requests[0]!.headers).toMatchObject({
      'x-bg-hmac-access-key': CREDS.accessKey,
      'x-bg-hmac-algorithm': 'hmac-sha256',
    });
    expect(JSON.parse(fake.requests[0]!.body)).toEqual({
      licenceType: 'resident_id_card',
      holderName: '王芳',
      holderIdNumber: person.idNumber,
    });
  });

  it('when the library has none for the person, then null (a business answer, not an error)', async () => {
    await expect(adapter().findIdLicence(person)).resolves.toBeNull();
  });

  it('when the secret is wrong, then the gateway 401 maps to invalid_credentials and the error names no personal data', async () => {
    const err = await expectProviderError(adapter({ secretKey: 'wrong' }).findIdLicence(person), {
      kind: 'invalid_credentials',
      retryable: false,
      providerCode: 'INVALID_SIGNATURE',
    });
    expect(err.message).not.toContain(person.idNumber);
  });

  it.each([
    ['L-BUSY', 'unavailable', true],
    ['L-PARAM-INVALID', 'bad_request', false],
    ['L-SOMETHING', 'unknown', false],
  ] as const)('when the library answers %s, then %s (retryable: %s)', async (code, kind, retryable) => {
    fake.setNextError(code);
    await expectProviderError(adapter().findIdLicence(person), { kind, retryable, providerCode: code });
  });

  it('when the library never answers, then a retryable timeout', async () => {
    fake.setNeverAnswer(true);
    await expectProviderError(adapter({ timeoutMs: 300 }).findIdLicence(person), {
      kind: 'unavailable',
      retryable: true,
      providerCode: 'TIMEOUT',
    });
  });
});

describe('the BFF with LICENCE_PROVIDER=irs', () => {
  it('when a parent chooses the licence, then the BFF asks the library over signed HTTP; when the library is down, then 503 with Retry-After', async () => {
    const server = await startTestServer({
      LICENCE_PROVIDER: 'irs',
      LICENCE_GATEWAY: fake.url,
      LICENCE_ACCESS_KEY: CREDS.accessKey,
      LICENCE_SECRET_KEY: CREDS.secretKey,
      PROVIDER_TIMEOUT_MS: '1000',
    });
    try {
      const token = await loginParent(server.url);
      const input = validApplication();
      fake.register({ name: input.mother.name, idNumber: input.mother.idNumber });
      const { body } = await api(server.url, 'POST', '/api/v1/applications', { token, body: input });
      const ok = await api(server.url, 'PUT', `/api/v1/applications/${body.id}/licences/mother`, { token });
      expect(ok.status).toBe(200);
      expect(ok.body.licenceCode).toMatch(/^3300\*\*\*\*/);
      const none = await api(server.url, 'PUT', `/api/v1/applications/${body.id}/licences/father`, { token });
      expect({ status: none.status, code: none.body.code }).toEqual({ status: 422, code: 'LICENCE_NOT_FOUND' });
      fake.setNextError('L-BUSY');
      const busy = await api(server.url, 'PUT', `/api/v1/applications/${body.id}/licences/mother`, { token });
      expect({ status: busy.status, code: busy.body.code }).toEqual({ status: 503, code: 'DEPENDENCY_UNAVAILABLE' });
      expect(busy.headers.get('retry-after')).toBe('30');
      // What went to the library carried the ID number; nothing of it reached our log.
      expect(server.logs.join('')).not.toContain(input.mother.idNumber);
    } finally {
      await server.close();
    }
  });
});
