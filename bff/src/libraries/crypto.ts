import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** An encrypted value as stored: `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
export type Sealed = string;

export type FieldCrypto = {
  /** AES-256-GCM with a random IV; `context` (e.g. 'mother.idNumber') is bound as AAD, so a value copied into another field does not decrypt. */
  seal(plaintext: string | Buffer, context: string): Sealed;
  open(sealed: Sealed, context: string): string;
  openBuffer(sealed: Sealed, context: string): Buffer;
  /** Keyed HMAC-SHA256 for equality look-ups of encrypted values, never reversible without the key. */
  blindIndex(value: string, context: string): string;
};

export function createFieldCrypto(dataKeyBase64: string, indexKeyBase64: string): FieldCrypto {
  const dataKey = Buffer.from(dataKeyBase64, 'base64');
  const indexKey = Buffer.from(indexKeyBase64, 'base64');
  if (dataKey.length !== 32 || indexKey.length !== 32) throw new Error('encryption keys must be 32 bytes');

  const sealBuffer = (plain: Buffer, context: string): Sealed => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  };
  const openBuffer = (sealed: Sealed, context: string): Buffer => {
    const [version, iv, tag, ct] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || ct === undefined) throw new Error('not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]);
  };
  return {
    seal: (plaintext, context) => sealBuffer(Buffer.isBuffer(plaintext) ? plaintext : Buffer.from(plaintext, 'utf8'), context),
    open: (sealed, context) => openBuffer(sealed, context).toString('utf8'),
    openBuffer,
    blindIndex: (value, context) => createHmac('sha256', indexKey).update(`${context}\u0000${value}`).digest('base64url'),
  };
}

/** Constant-time comparison of two secrets of any length. */
export function safeEqual(a: string, b: string): boolean {
  const ka = createHmac('sha256', 'cmp').update(a).digest();
  const kb = createHmac('sha256', 'cmp').update(b).digest();
  return timingSafeEqual(ka, kb);
}
