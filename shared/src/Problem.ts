import { z } from 'zod';

/** One failing field of a request: `path` as a dot path (`mother.idNumber`, `query.limit`), '' for the whole body. */
export const FieldError = z
  .object({
    /** Dot path of the field, e.g. `mother.idNumber` or `items.1`; '' for the whole body. */
    path: z.string(),
    /** Chinese, for the parent (or the department) to act on. */
    message: z.string(),
  })
  .meta({ id: 'FieldError' });
export type FieldError = z.infer<typeof FieldError>;

/**
 * Every error the BFF answers: application/problem+json (RFC 9457) with a stable `code`, a Chinese `detail`
 * and, for validation, every failing field at once in `errors`. Some codes add their own fields (a 409 of a
 * department event adds `currentState` and `allowedEvents`).
 */
export const Problem = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
    detail: z.string(),
    requestId: z.string().optional(),
    errors: z.array(FieldError).optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof Problem>;
