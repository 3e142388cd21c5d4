// Alibaba Cloud OpenAPI V3 request signature, ACS3-HMAC-SHA256, as documented in
// "V3版本请求体&签名机制" (help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature):
//   CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n HexSHA256(body)
//   StringToSign     = "ACS3-HMAC-SHA256" \n HexSHA256(CanonicalRequest)
//   Signature        = Hex(HMAC-SHA256(AccessKeySecret, StringToSign))
//   Authorization    = ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<a;b;c>,Signature=<hex>
// Signed headers are host, content-type and every x-acs-* header, lower-cased, values trimmed, sorted.
import { createHash, createHmac } from 'node:crypto';

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** RFC 3986 encoding as the document requires: unreserved A-Z a-z 0-9 - _ . ~ kept, space as %20, * as %2A. */
export function acs3PercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Parameters sorted by name, name and value each encoded, joined name=value with &. */
export function acs3CanonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${acs3PercentEncode(k)}=${acs3PercentEncode(params[k] ?? '')}`)
    .join('&');
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface Acs3Request {
  method: string;
  /** '/' for RPC-style APIs such as Dysmsapi SendSms. */
  canonicalUri: string;
  query: Record<string, string>;
  /** Every header that will be sent (any case); the signed ones are picked by the rule above. */
  headers: Record<string, string>;
  body: string;
  accessKeyId: string;
  accessKeySecret: string;
}

export interface Acs3Signature {
  authorization: string;
  signedHeaders: string;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

/** Computes the ACS3-HMAC-SHA256 signature of a request; pure, so the official example is a unit test. */
export function signAcs3(req: Acs3Request): Acs3Signature {
  const signed = Object.entries(req.headers)
    .map(([k, v]) => [k.toLowerCase(), v.trim()] as const)
    .filter(([k]) => k === 'host' || k === 'content-type' || k.startsWith('x-acs-'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonicalHeaders = signed.map(([k, v]) => `${k}:${v}\n`).join('');
  const signedHeaders = signed.map(([k]) => k).join(';');
  const canonicalRequest = [
    req.method.toUpperCase(),
    req.canonicalUri,
    acs3CanonicalQuery(req.query),
    canonicalHeaders,
    signedHeaders,
    sha256Hex(req.body),
  ].join('\n');
  const stringToSign = `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac('sha256', req.accessKeySecret).update(stringToSign).digest('hex');
  return {
    authorization: `${ACS3_ALGORITHM} Credential=${req.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`,
    signedHeaders,
    canonicalRequest,
    stringToSign,
    signature,
  };
}
