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
import { irsGatewayRejection, irsHeaders } from '../signing/irs-hmac';
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
      if (res.status === 401) throw irsGatewayRejection(PROVIDER, res.text);
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
