import { z, type ZodType } from 'zod';

// Building blocks of the OpenAPI document, shared by the document and the components that add their paths.
export const json = (s: ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' });
export const body = (ref: string) => ({
  required: true,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});
export const ok = (description: string, ref?: string) => ({
  description,
  ...(ref ? { content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } } : {}),
});
export const problems = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: 'problem+json',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    ]),
  );
export const bearer = (role: string) => ({ security: [{ bearer: [] }], 'x-role': role });
export const idParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string' } });
