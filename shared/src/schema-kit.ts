import { z } from 'zod';

// Building blocks for the shared zod schemas, so that every field answers in Chinese with one message
// that says what to do: a parent sees "请填写…" for an empty field, not also "至少2个字" and "格式不正确".

/** `母亲` + `手机号码` → `母亲的手机号码`; without a role just the thing. */
export function of(role: string, thing: string): string {
  return role ? `${role}的${thing}` : thing;
}

/**
 * Makes a check run only while its field has no issue yet, so each field reports one message. Not
 * `abort: true`: zod skips every `when` refinement above an explicitly aborted issue, which would silence
 * the cross-field rules of the whole application. zod 4 runs `when` on every check but types it only on
 * refinements, hence the cast.
 */
export function firstIssue<P extends object>(params: P): P {
  return { ...params, when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 } as P;
}

/** The error for a missing value or a value of the wrong type. */
export function missingOr(label: string, wrongType: string): (issue: { input?: unknown }) => string {
  return (issue) => (issue.input === undefined || issue.input === null ? `请填写${label}。` : wrongType);
}

export interface TextOptions {
  min?: number;
  max: number;
  pattern?: RegExp;
  patternMessage?: string;
  /** Rewrites the trimmed text before the checks, e.g. to unify look-alike characters. */
  normalise?: (value: string) => string;
  /** Message when the value is missing or empty; default `请填写<label>。` (say `请选择…` for pickers). */
  required?: string;
}

/** A required, trimmed string of `min`–`max` characters with Chinese messages naming `label`. */
export function text(label: string, options: TextOptions) {
  const { min = 1, max, pattern, patternMessage, normalise, required = `请填写${label}。` } = options;
  let schema = z
    .string({ error: (issue) => (issue.input === undefined || issue.input === null ? required : `${label}应填写文字。`) })
    .trim();
  if (normalise) schema = schema.overwrite(normalise);
  schema = schema.min(1, firstIssue({ error: required }));
  if (min > 1) schema = schema.min(min, firstIssue({ error: `${label}至少要${min}个字，请填写完整。` }));
  schema = schema.max(max, firstIssue({ error: `${label}最多${max}个字，请精简后再填写。` }));
  if (pattern) schema = schema.regex(pattern, firstIssue({ error: patternMessage ?? `${label}格式不正确，请检查。` }));
  return schema;
}

/** An enum with one Chinese message for a missing or unknown value. */
export function choice<const T extends readonly [string, ...string[]]>(values: T, message: string) {
  return z.enum(values, { error: message });
}

/**
 * `z.strictObject` whose unknown-key and not-an-object errors are in Chinese; `required` replaces the
 * default `请填写<label>。` when the whole object is missing.
 */
export function strict<Shape extends z.core.$ZodLooseShape>(shape: Shape, label: string, required = `请填写${label}。`) {
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') {
        return `${label}中有不支持的字段：${issue.keys.join('、')}，请删除后再提交。`;
      }
      return issue.input === undefined || issue.input === null ? required : `${label}格式不正确。`;
    },
  });
}

/** A name of people: Chinese characters, with `·` between the parts of some minority names. */
export const HAN_NAME_PATTERN = /^[\p{Script=Han}]+(·[\p{Script=Han}]+)*$/u;
/** Chinese or Latin letters, for a parent who might hold a passport. */
export const PERSON_NAME_PATTERN = /^[\p{Script=Han}A-Za-z]+([·\s.'-][\p{Script=Han}A-Za-z]+)*$/u;

/** Unifies the dots people type between the parts of a minority name (•, ・, ．, ･) into `·`. */
export function normaliseNameDots(value: string): string {
  return value.replace(/[•・．･∙⋅]/g, '·');
}

/** Runs a superRefine even when other fields failed, as long as the value is an object. */
export const WHEN_OBJECT = {
  when: (payload: { value: unknown }) => typeof payload.value === 'object' && payload.value !== null,
};

/** Reads a string property of a value that may not have passed validation. */
export function stringAt(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}

/** Reads an object property of a value that may not have passed validation. */
export function objectAt(value: unknown, key: string): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'object' && field !== null && !Array.isArray(field) ? (field as Record<string, unknown>) : undefined;
}
