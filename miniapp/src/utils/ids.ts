/** `bytes` random bytes as hex, from the platform's crypto when it has one. */
export function randomHex(bytes: number): string {
  const cryptoApi = (globalThis as { crypto?: { getRandomValues?: (array: Uint8Array) => Uint8Array } }).crypto;
  const array = new Uint8Array(bytes);
  if (cryptoApi?.getRandomValues) cryptoApi.getRandomValues(array);
  else for (let i = 0; i < bytes; i++) array[i] = Math.floor(Math.random() * 256);
  return Array.from(array, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A fresh Idempotency-Key: the same key goes with every retry of one intended write. */
export function newIdempotencyKey(purpose: string): string {
  return `${purpose}-${Date.now().toString(36)}-${randomHex(12)}`;
}
