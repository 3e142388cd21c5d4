// A local stand-in for the shared licence library (共享规范化电子证照库) behind the IRS gateway. The gateway
// part checks what the real gateway checks (X-BG-HMAC-* headers, HMAC-SHA256 over
// METHOD\nPATH\nQUERY\nACCESS_KEY\nDATE\n, ±90 s) and answers with its documented 401s; the library part
// answers from the licences a test registers, in the IRS envelope, with the codes our adapter assumes
// (see bff/src/providers/licence/irs.licence.ts for what is inferred).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { fakeId, header, startFakeServer, type ProviderFake, type RecordedRequest, type Reply } from './fake-server';

export const LICENCE_FAKE_PATH = '/restapi/prod/IC33000020230101000001/licence/idcard/query';

export type LicenceErrorCode = 'L-PARAM-INVALID' | 'L-UNAUTHORISED' | 'L-BUSY' | string;

export interface LicenceFake extends ProviderFake<LicenceErrorCode> {
  /** Registers a person's electronic ID licence; returns its licence code. */
  register(person: { name: string; idNumber: string }): string;
}

export async function startLicenceFake(options: { accessKey: string; secretKey: string }): Promise<LicenceFake> {
  const licences = new Map<string, { licenceCode: string; holderName: string; idNumber: string }>();
  const errors: string[] = [];

  function gatewayCheck(req: RecordedRequest): Reply | undefined {
    const accessKey = header(req, 'x-bg-hmac-access-key');
    const dateTime = header(req, 'x-bg-date-time');
    if (accessKey !== options.accessKey) return { status: 401, body: { message: 'Invalid access key' } };
    const when = Date.parse(dateTime);
    if (Number.isNaN(when) || Math.abs(Date.now() - when) > 90_000)
      return { status: 401, body: { message: 'Clock skew exceeded' } };
    if (header(req, 'x-bg-hmac-algorithm').toLowerCase() !== 'hmac-sha256')
      return { status: 401, body: { message: 'Invalid signature' } };
    const query = Object.keys(req.query)
      .sort()
      .map((k) => `${k}=${req.query[k]}`)
      .join('&');
    const expected = createHmac('sha256', options.secretKey)
      .update(`${req.method.toUpperCase()}\n${req.path}\n${query}\n${accessKey}\n${dateTime}\n`)
      .digest();
    const given = Buffer.from(header(req, 'x-bg-hmac-signature'), 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { status: 401, body: { message: 'Invalid signature' } };
    return undefined;
  }

  const fail = (code: string): Reply => ({ body: { success: false, errorCode: code, errorMsg: code, data: null } });

  function handle(req: RecordedRequest): Reply {
    if (req.path !== LICENCE_FAKE_PATH) return { status: 404, body: { message: 'no Route matched with those values' } };
    const rejected = gatewayCheck(req);
    if (rejected) return rejected;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      return fail('L-PARAM-INVALID');
    }
    const queued = errors.shift();
    if (queued) return fail(queued);
    if (body.licenceType !== 'resident_id_card' || typeof body.holderIdNumber !== 'string' || typeof body.holderName !== 'string')
      return fail('L-PARAM-INVALID');
    const found = licences.get(body.holderIdNumber);
    if (!found || found.holderName !== body.holderName) return fail('L-LICENCE-NOT-FOUND');
    return {
      body: {
        success: true,
        errorCode: null,
        errorMsg: null,
        data: { ...found, issuer: '杭州市公安局上城分局', validUntil: '2036-07-08' },
      },
    };
  }

  const server = await startFakeServer(handle);
  return {
    ...server,
    setNextError(code) {
      errors.push(code);
    },
    register(person) {
      const licenceCode = `33000000-SFZ-${fakeId(8).toUpperCase()}`;
      licences.set(person.idNumber, { licenceCode, holderName: person.name, idNumber: person.idNumber });
      return licenceCode;
    },
  };
}
