import { isValidIdNumber } from '@birth/shared';

/** ID numbers (valid checksum) and mainland mobile numbers found in a text: what must never be logged or stored in clear. */
export function findPersonalData(text: string): string[] {
  const ids = (text.match(/(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g) ?? []).filter((id) => isValidIdNumber(id));
  // Letter boundaries too: the tail of a UUID (…-f16634222386) is not a phone number.
  const phones = text.match(/(?<![\dA-Za-z])1[3-9]\d{9}(?![\dA-Za-z])/g) ?? [];
  return [...ids, ...phones];
}
