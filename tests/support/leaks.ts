import { isValidIdNumber } from '@birth/shared';

/** ID numbers (valid checksum) and mainland mobile numbers found in a text: what must never be logged or stored in clear. */
export function findPersonalData(text: string): string[] {
  const ids = (text.match(/(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g) ?? []).filter((id) => isValidIdNumber(id));
  const phones = text.match(/(?<!\d)1[3-9]\d{9}(?!\d)/g) ?? [];
  return [...ids, ...phones];
}
