// The shared licence library (共享规范化电子证照库) through the Zhejiang IRS gateway:
//   POST {baseUrl}{LICENCE_QUERY_PATH}  { licenceType: "resident_id_card", holderName, holderIdNumber }
//     → { success, data: { licenceCode, holderName, idNumber, issuer, validUntil } | null, errorCode, errorMsg }
// signed with the gateway's X-BG-HMAC-* headers (../signing/irs-hmac.ts), like the 浙里办 SSO adapter.
//
// Inferred, not read in an official document (the library's interface documents are not public): the
// component path, the body field names and the error codes L-LICENCE-NOT-FOUND / L-PARAM-INVALID /
// L-UNAUTHORISED. The envelope and the gateway's own 401 answers are those of the other IRS components.
// Everything here is one path and one mapping table, so the real names slot in without other changes.
import { httpStatusError, joinUrl, parseJsonBody, providerFetch } from '../http';
import { ProviderError, type ErrorMapping } from '../provider-error';
import { irsHeaders } from '../signing/irs-hmac';
import type { IdLicence, LicenceProvider } from './licence-provider';

const PROVIDER = 'licence';
export const LICENCE_QUERY_PATH = '/restapi/prod/IC33000020230101000001/licence/idcard/query';

export interface IrsLicenceConfig {
  baseUrl: string;
  accessKey: string;
  secretKey: string;
  timeoutMs: number;
}

const ERRORS: Record<string, ErrorMapping> = {
  'L-PARAM-INVALID': { kind: 'bad_request', retryable: false },
  'L-UNAUTHORISED': { kind: 'invalid_credentials', retryable: false },
  'L-BUSY': { kind: 'unavailable', retryable: true },
};

// The IRS gateway's own 401 answers (the same gateway as 浙里办's SSO).
const GATEWAY_401: Record<string, string> = {
  'Invalid signature': 'INVALID_SIGNATURE',
  'Invalid access key': 'INVALID_ACCESS_KEY',
  'Clock skew exceeded': 'CLOCK_SKEW_EXCEEDED',
};

function gatewayRejection(text: string): ProviderError {
  let message = '';
  try {
    message = String((JSON.parse(text) as { message?: unknown }).message ?? '');
  } catch {
    /* not JSON: an unknown 401 */
  }
  const code = GATEWAY_401[message] ?? 'HTTP_401';
  if (code === 'CLOCK_SKEW_EXCEEDED')
    return new ProviderError({
      provider: PROVIDER,
      kind: 'bad_request',
      providerCode: code,
      retryable: false,
      hint: 'server clock off by more than 90 s',
    });
  return new ProviderError({ provider: PROVIDER, kind: 'invalid_credentials', providerCode: code, retryable: false });
}

type Envelope = { success?: boolean; errorCode?: string | null; data?: Partial<IdLicence> | null };

export function createIrsLicence(config: IrsLicenceConfig): LicenceProvider {
  return {
    name: 'irs',
    async findIdLicence({ name, idNumber }) {
      const url = joinUrl(config.baseUrl, LICENCE_QUERY_PATH);
      const res = await providerFetch(PROVIDER, url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...irsHeaders('POST', url, config.accessKey, config.secretKey, new Date()),
        },
        body: JSON.stringify({ licenceType: 'resident_id_card', holderName: name, holderIdNumber: idNumber }),
        timeoutMs: config.timeoutMs,
      });
      if (res.status === 401) throw gatewayRejection(res.text);
      if (res.status !== 200) throw httpStatusError(PROVIDER, res.status);
      const envelope = parseJsonBody<Envelope>(PROVIDER, res);
      if (envelope.success !== true) {
        const code = envelope.errorCode || 'UNSUCCESSFUL';
        if (code === 'L-LICENCE-NOT-FOUND') return null;
        throw new ProviderError({
          provider: PROVIDER,
          ...(ERRORS[code] ?? { kind: 'unknown', retryable: false }),
          providerCode: code,
        });
      }
      const d = envelope.data;
      if (!d) return null;
      if (!d.licenceCode || !d.idNumber || !d.holderName)
        throw new ProviderError({ provider: PROVIDER, kind: 'unknown', providerCode: 'BAD_RESPONSE', retryable: false });
      return {
        licenceCode: d.licenceCode,
        holderName: d.holderName,
        idNumber: d.idNumber,
        issuer: d.issuer ?? '',
        validUntil: d.validUntil ?? '',
      } satisfies IdLicence;
    },
  };
}
