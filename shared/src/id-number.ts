import { isDateString, toChinaDateString, type DateString } from './china-time';

/** Weights of ISO 7064 MOD 11-2 as used by GB 11643-1999 (2^(17-i) mod 11). */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

export type Sex = 'male' | 'female';

export type IdNumberParseResult =
  | {
      ok: true;
      /** The number normalised: trimmed, a final lowercase x written X. */
      idNumber: string;
      birthDate: DateString;
      sex: Sex;
      /** 行政区划代码 of the place of first registration (first 6 digits). */
      regionCode: string;
    }
  | { ok: false; reason: string };

/**
 * The check character of a 公民身份号码 from its first 17 digits (ISO 7064 MOD 11-2): '0'–'9' or 'X'.
 * Throws a RangeError when `first17` is not exactly 17 digits.
 */
export function idNumberCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('first17 must be 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

/**
 * Parses an 18-character 公民身份号码 (GB 11643-1999). On failure `reason` says in Chinese what to check.
 * `now` (default: the current time) bounds the birth date, which must not be after today in China.
 */
export function parseIdNumber(id: unknown, now: Date = new Date()): IdNumberParseResult {
  if (typeof id !== 'string' || id.trim() === '') return { ok: false, reason: '请填写身份证号码。' };
  const value = id.trim().toUpperCase();
  if (value.length !== 18) {
    return { ok: false, reason: `身份证号码应为18位，现在是${value.length}位，请对照身份证逐位核对。` };
  }
  if (!/^\d{17}[\dX]$/.test(value)) {
    return { ok: false, reason: '身份证号码前17位应为数字，最后一位为数字或字母X，请检查是否混入了空格或其他字符。' };
  }
  if (value[0] === '0') {
    return { ok: false, reason: '身份证号码前6位（地区码）不正确，请对照身份证核对。' };
  }
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (!isDateString(birthDate)) {
    return { ok: false, reason: '身份证号码第7至14位（出生日期）不是有效日期，请对照身份证核对。' };
  }
  if (birthDate < '1900-01-01') {
    return { ok: false, reason: '身份证号码中的出生日期早于1900年，请对照身份证核对。' };
  }
  if (birthDate > toChinaDateString(now)) {
    return { ok: false, reason: '身份证号码中的出生日期晚于今天，请对照身份证核对。' };
  }
  if (idNumberCheckDigit(value.slice(0, 17)) !== value[17]) {
    return { ok: false, reason: '身份证号码校验不通过，可能有数字输错，请对照身份证逐位核对。' };
  }
  return {
    ok: true,
    idNumber: value,
    birthDate,
    sex: Number(value[16]) % 2 === 1 ? 'male' : 'female',
    regionCode: value.slice(0, 6),
  };
}

/** True when `id` is a valid 18-character 公民身份号码 (see parseIdNumber). */
export function isValidIdNumber(id: unknown, now: Date = new Date()): boolean {
  return parseIdNumber(id, now).ok;
}

/** True for an 11-digit mainland mobile number: 1, then 3–9, then nine digits. */
export function isValidMainlandPhone(phone: unknown): boolean {
  return typeof phone === 'string' && /^1[3-9]\d{9}$/.test(phone);
}
