// Tencent Cloud API 3.0 signature, TC3-HMAC-SHA256, as documented in "签名方法 v3" (Signature v3,
// cloud.tencent.com/document/api/382/52072 for SMS):
//   CanonicalRequest = METHOD \n "/" \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n HexSHA256(payload)
//   CanonicalHeaders = lower(name):lower(trim(value))\n for each signed header, sorted by name
//   StringToSign     = "TC3-HMAC-SHA256" \n Timestamp \n Date/service/tc3_request \n HexSHA256(CanonicalRequest)
//   SecretSigning    = HMAC(HMAC(HMAC("TC3"+SecretKey, Date), service), "tc3_request")
//   Signature        = Hex(HMAC(SecretSigning, StringToSign))
// Date is the UTC date of the timestamp (a local date would break every call made between 00:00 and
// 08:00 Beijing time).
import { createHash, createHmac } from 'node:crypto';

export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';

const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: string | Buffer, msg: string) => createHmac('sha256', key).update(msg, 'utf8').digest();

/** yyyy-mm-dd of a Unix timestamp (seconds), in UTC. */
export function tc3Date(timestampSeconds: number): string {
  return new Date(timestampSeconds * 1000).toISOString().slice(0, 10);
}

export function tc3DerivedKey(secretKey: string, date: string, service: string): Buffer {
  return hmac(hmac(hmac(`TC3${secretKey}`, date), service), 'tc3_request');
}

export function tc3SignatureWithKey(derivedKey: Buffer, stringToSign: string): string {
  return createHmac('sha256', derivedKey).update(stringToSign, 'utf8').digest('hex');
}

export interface Tc3Request {
  method: 'POST' | 'GET';
  canonicalQuery?: string;
  /** The headers to sign, by name (any case); must include content-type and host. */
  signedHeaders: Record<string, string>;
  payload: string;
  service: string;
  timestamp: number;
  secretId: string;
  secretKey: string;
}

export interface Tc3Signature {
  authorization: string;
  canonicalRequest: string;
  stringToSign: string;
  credentialScope: string;
  signature: string;
}

export function tc3CanonicalRequest(req: Omit<Tc3Request, 'service' | 'timestamp' | 'secretId' | 'secretKey'>): {
  canonicalRequest: string;
  signedHeaderNames: string;
} {
  const headers = Object.entries(req.signedHeaders)
    .map(([k, v]) => [k.toLowerCase().trim(), v.toLowerCase().trim()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const signedHeaderNames = headers.map(([k]) => k).join(';');
  const canonicalRequest = [
    req.method,
    '/',
    req.canonicalQuery ?? '',
    headers.map(([k, v]) => `${k}:${v}\n`).join(''),
    signedHeaderNames,
    sha256Hex(req.payload),
  ].join('\n');
  return { canonicalRequest, signedHeaderNames };
}

/** Computes the TC3-HMAC-SHA256 Authorization header value; pure, so the official example is a unit test. */
export function signTc3(req: Tc3Request): Tc3Signature {
  const { canonicalRequest, signedHeaderNames } = tc3CanonicalRequest(req);
  const date = tc3Date(req.timestamp);
  const credentialScope = `${date}/${req.service}/tc3_request`;
  const stringToSign = [TC3_ALGORITHM, String(req.timestamp), credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const signature = tc3SignatureWithKey(tc3DerivedKey(req.secretKey, date, req.service), stringToSign);
  return {
    authorization: `${TC3_ALGORITHM} Credential=${req.secretId}/${credentialScope}, SignedHeaders=${signedHeaderNames}, Signature=${signature}`,
    canonicalRequest,
    stringToSign,
    credentialScope,
    signature,
  };
}
