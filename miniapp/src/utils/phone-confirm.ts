// Pure rules of the phone confirmation screen (no Taro, no React): what the code input keeps, and how long
// until another code may be asked for.

/** After a code is sent, the parent waits this long before asking for another one. */
export const RESEND_SECONDS = 60;

/** The length of the SMS code the BFF sends. */
export const CODE_LENGTH = 6;

/** What the code input keeps of what was typed or pasted: digits only (full-width ones too), at most six. */
export function codeDigits(typed: string): string {
  return typed
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/\D/g, '')
    .slice(0, CODE_LENGTH);
}

/** Whole seconds from `now` until `at` (epoch ms), never below zero: the resend countdown. */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}
