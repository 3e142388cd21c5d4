import type { z } from 'zod';
import type { FieldError } from './Problem';

const HAS_CHINESE = /\p{Script=Han}/u;

// Our schemas set a Chinese message on every check; this is the safety net for anything that slips
// through with zod's English default, so that no English reaches a parent.
const FALLBACK: Record<string, string> = {
  invalid_type: '此项未填写或格式不正确，请检查后重新填写。',
  too_small: '此项内容太短或太少，请补充完整。',
  too_big: '此项内容太长或太多，请精简。',
  invalid_format: '此项格式不正确，请检查。',
  invalid_value: '此项的取值不在可选范围内，请重新选择。',
  invalid_union: '此项格式不正确，请检查。',
  invalid_key: '有不支持的字段，请检查。',
  invalid_element: '此项中有不正确的内容，请检查。',
  not_multiple_of: '此项数值不正确，请检查。',
};
const GENERIC = '此项填写有误，请检查后重新填写。';

function joinPath(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === 'symbol' ? (part.description ?? '') : String(part))).join('.');
}

/**
 * Flattens a zod error into `{ path, message }` entries for a problem+json `errors` list: one entry per
 * bad field (an unknown key gets its own entry at its own path), every message in Chinese, no duplicates.
 */
export function formatZodIssues(error: { readonly issues: readonly z.core.$ZodIssue[] }): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  const push = (path: string, message: string): void => {
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ path, message });
  };
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        push(joinPath([...issue.path, key]), `不支持的字段“${key}”，请删除后再提交。`);
      }
      continue;
    }
    const message = HAS_CHINESE.test(issue.message) ? issue.message : (FALLBACK[issue.code] ?? GENERIC);
    push(joinPath(issue.path), message);
  }
  return out;
}
