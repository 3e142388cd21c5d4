// Masking is for display and responses only; it is not a security boundary (the full value stays
// encrypted at rest). Every function is total: any input, including null or a non-string, gives a string.

function chars(value: unknown): string[] {
  // Array.from splits by code point, so a rare CJK character outside the BMP counts as one character.
  return typeof value === 'string' ? Array.from(value.trim()) : [];
}

function keepEnds(parts: string[], head: number, tail: number): string {
  return parts.slice(0, head).join('') + '*'.repeat(parts.length - head - tail) + parts.slice(parts.length - tail).join('');
}

/** Shows too little to identify anyone: short values are all stars, others keep one character each end. */
function maskShort(parts: string[]): string {
  if (parts.length <= 2) return '*'.repeat(parts.length);
  return keepEnds(parts, 1, 1);
}

/**
 * `330102199001011234` → `330102********1234`: an 18-character number keeps its first 6 and last 4
 * characters; anything shorter keeps only its first and last character.
 */
export function maskIdNumber(value: unknown): string {
  const parts = chars(value);
  if (parts.length >= 18) return keepEnds(parts, 6, 4);
  return maskShort(parts);
}

/** `13812345678` → `138****5678`; anything shorter than 11 characters keeps only its first and last. */
export function maskPhone(value: unknown): string {
  const parts = chars(value);
  if (parts.length >= 11) return keepEnds(parts, 3, 4);
  return maskShort(parts);
}

/** `张三` → `张*`, `欧阳小明` → `欧***`: the first character, then one star per other character. */
export function maskName(value: unknown): string {
  const parts = chars(value);
  // A one-character name would be shown whole; hide it.
  if (parts.length <= 1) return '*'.repeat(parts.length);
  return keepEnds(parts, 1, 0);
}
