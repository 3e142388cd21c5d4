// Alipay OpenAPI (gateway.do) RSA2 signatures, as documented in "自行实现签名" / "自行实现验签"
// (opendocs.alipay.com/common/02kf5q, 02mse7) and as the official alipay-sdk-nodejs does it:
// - request: every parameter except `sign` (and except empty values), sorted by name, joined as
//   name=value with &, unencoded; SHA256withRSA with the app private key, base64. `sign_type` IS signed.
// - synchronous response: the raw JSON text of the `<method>_response` (or `error_response`) value,
//   exactly as it appears in the body, verified with the Alipay public key against the sibling `sign`.
import { createPrivateKey, createPublicKey, createSign, createVerify, type KeyObject } from 'node:crypto';

/** The string the gateway verifies: sorted name=value pairs, `sign` and empty values left out. */
export function alipaySignContent(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

export function alipaySign(params: Record<string, string>, privateKey: KeyObject): string {
  return createSign('RSA-SHA256').update(alipaySignContent(params), 'utf8').sign(privateKey, 'base64');
}

/**
 * Accepts a key as PEM or as the bare base64 body Alipay's key tool prints (PKCS#8 or PKCS#1 for
 * private keys, SPKI for public keys).
 */
export function loadPrivateKey(pemOrBase64: string): KeyObject {
  const text = pemOrBase64.trim();
  if (text.includes('-----BEGIN')) return createPrivateKey(text);
  const der = Buffer.from(text.replace(/\s+/g, ''), 'base64');
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
  }
}

export function loadPublicKey(pemOrBase64: string): KeyObject {
  const text = pemOrBase64.trim();
  if (text.includes('-----BEGIN')) return createPublicKey(text);
  return createPublicKey({ key: Buffer.from(text.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
}

/**
 * Finds the raw text of a top-level member's value in a JSON object text, byte for byte, by scanning
 * (re-serialising a parsed object would change escapes and key order and break the signature).
 */
export function rawJsonMember(text: string, key: string): string | undefined {
  let i = skipWs(text, 0);
  if (text[i] !== '{') return undefined;
  i++;
  while (i < text.length) {
    i = skipWs(text, i);
    if (text[i] === '}') return undefined;
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] !== '"') return undefined;
    const keyEnd = endOfString(text, i);
    const name = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWs(text, keyEnd);
    if (text[i] !== ':') return undefined;
    i = skipWs(text, i + 1);
    const valueEnd = endOfValue(text, i);
    if (valueEnd < 0) return undefined;
    if (name === key) return text.slice(i, valueEnd);
    i = valueEnd;
  }
  return undefined;
}

function skipWs(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/** Index just past the closing quote of the string starting at `i`. */
function endOfString(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length) {
    if (text[j] === '\\') j += 2;
    else if (text[j] === '"') return j + 1;
    else j++;
  }
  return -1;
}

function endOfValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return endOfString(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    let j = i;
    while (j < text.length) {
      const ch = text[j];
      if (ch === '"') {
        j = endOfString(text, j);
        if (j < 0) return -1;
        continue;
      }
      if (ch === '{' || ch === '[') depth++;
      if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    return -1;
  }
  let j = i;
  while (j < text.length && !/[,}\]\s]/.test(text[j]!)) j++;
  return j;
}

/** Verifies an Alipay synchronous response: `content` is the raw response-node text, `sign` its signature. */
export function alipayVerify(content: string, sign: string, alipayPublicKey: KeyObject): boolean {
  try {
    return createVerify('RSA-SHA256').update(content, 'utf8').verify(alipayPublicKey, sign, 'base64');
  } catch {
    return false;
  }
}

/** Alipay's timestamp parameter: "yyyy-MM-dd HH:mm:ss" in Beijing time (UTC+8). */
export function alipayTimestamp(date: Date): string {
  const beijing = new Date(date.getTime() + 8 * 3600_000).toISOString();
  return `${beijing.slice(0, 10)} ${beijing.slice(11, 19)}`;
}
