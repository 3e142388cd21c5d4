// Zhejiang IRS gateway (业务协同网关, bcdsg.zj.gov.cn:8443/restapi/prod/…) HMAC-SHA256 request signature.
// Source: the IRS "公共应用组件调用 / API鉴权参数说明" text as republished in the 浙里办-IRS用户接入手册
// (blog.wlfpanda1012.com/2023/09/19/archives/IRSUserJoinUp) and the reference code circulating with it;
// the official 浙里办/IRS portal documents are not public. What is documented there:
//   headers  X-BG-HMAC-ACCESS-KEY, X-BG-HMAC-ALGORITHM: hmac-sha256, X-BG-DATE-TIME (RFC 1123 GMT,
//            ±90 s allowed), X-BG-HMAC-SIGNATURE
//   signing_string = METHOD \n PATH \n QUERY_STREAM \n ACCESS_KEY \n DATE_TIME \n
//   signature      = Base64(HMAC-SHA256(secret_key, signing_string))
//   QUERY_STREAM   = the URL query sorted by key (ASCII), joined with &.
// The manual's formula omits the final "\n"; every reference implementation (its own Postman script,
// PHP, Java and Python samples) appends it, so we do too. The exact percent-encoding of QUERY_STREAM is
// not specified; our calls carry no query string, so QUERY_STREAM is always empty for them.
import { createHmac } from 'node:crypto';
import { ProviderError } from '../provider-error';

export const IRS_ALGORITHM = 'hmac-sha256';

/** RFC 1123 date in GMT, e.g. "Tue, 09 Nov 2021 08:49:20 GMT". */
export function irsDateTime(date: Date): string {
  return date.toUTCString();
}

/** Query parameters as "k=v" pairs sorted in ASCII order and joined with &. */
export function irsQueryStream(search: URLSearchParams): string {
  return [...search.entries()]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .sort()
    .join('&');
}

export function irsSigningString(method: string, path: string, queryStream: string, accessKey: string, dateTime: string): string {
  return `${method.toUpperCase()}\n${path || '/'}\n${queryStream}\n${accessKey}\n${dateTime}\n`;
}

export function irsSignature(secretKey: string, signingString: string): string {
  return createHmac('sha256', secretKey).update(signingString, 'utf8').digest('base64');
}

/** The four gateway headers for a request to `url`. */
export function irsHeaders(method: string, url: string, accessKey: string, secretKey: string, now: Date): Record<string, string> {
  const u = new URL(url);
  const dateTime = irsDateTime(now);
  const signingString = irsSigningString(method, u.pathname, irsQueryStream(u.searchParams), accessKey, dateTime);
  return {
    'X-BG-HMAC-ACCESS-KEY': accessKey,
    'X-BG-HMAC-ALGORITHM': IRS_ALGORITHM,
    'X-BG-DATE-TIME': dateTime,
    'X-BG-HMAC-SIGNATURE': irsSignature(secretKey, signingString),
  };
}

/** The IRS gateway's own 401 answers, the same for every service behind it (浙里办 SSO, the licence library). */
const GATEWAY_401: Record<string, string> = {
  'Invalid signature': 'INVALID_SIGNATURE',
  'Invalid access key': 'INVALID_ACCESS_KEY',
  'Clock skew exceeded': 'CLOCK_SKEW_EXCEEDED',
  'The route_id is forbidden.': 'ROUTE_FORBIDDEN',
};

/** A 401 from the IRS gateway as a provider error: a skewed clock is ours to fix; the rest are credentials. */
export function irsGatewayRejection(provider: string, body: string): ProviderError {
  let message = '';
  try {
    message = String((JSON.parse(body) as { message?: unknown }).message ?? '');
  } catch {
    /* not JSON: an unknown 401 */
  }
  const code = GATEWAY_401[message] ?? 'HTTP_401';
  // Retrying will not help either way.
  if (code === 'CLOCK_SKEW_EXCEEDED')
    return new ProviderError({
      provider,
      kind: 'bad_request',
      providerCode: code,
      retryable: false,
      hint: 'server clock off by more than 90 s',
    });
  return new ProviderError({ provider, kind: 'invalid_credentials', providerCode: code, retryable: false });
}
