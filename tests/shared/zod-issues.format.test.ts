import { z } from 'zod';
import { formatZodIssues } from '@birth/shared';

describe('formatZodIssues', () => {
  it('when issues are nested, then paths are dot paths with array indexes', () => {
    const schema = z.object({ a: z.object({ b: z.array(z.string({ error: '请填写。' })) }) });
    const result = schema.safeParse({ a: { b: ['x', 1] } });
    expect(result.success).toBe(false);
    if (!result.success) expect(formatZodIssues(result.error)).toEqual([{ path: 'a.b.1', message: '请填写。' }]);
  });

  it('when an object has unknown keys, then each key gets its own entry', () => {
    const result = z.strictObject({ a: z.string() }).safeParse({ a: 'x', b: 1, c: 2 });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(formatZodIssues(result.error).map((e) => e.path)).toEqual(['b', 'c']);
    }
  });

  it('when a message is zod’s English default, then a Chinese one replaces it', () => {
    const result = z.object({ n: z.number() }).safeParse({ n: 'x' });
    expect(result.success).toBe(false);
    if (!result.success) {
      const [entry] = formatZodIssues(result.error);
      expect(entry.path).toBe('n');
      expect(entry.message).toMatch(/\p{Script=Han}/u);
    }
  });

  it('when the same message is reported twice at one path, then it appears once', () => {
    const issues = [
      { code: 'custom', path: ['x'], message: '错误。' },
      { code: 'custom', path: ['x'], message: '错误。' },
    ] as unknown as z.core.$ZodIssue[];
    expect(formatZodIssues({ issues })).toEqual([{ path: 'x', message: '错误。' }]);
  });

  it('when the whole body is wrong, then the path is empty', () => {
    const result = z.object({}).safeParse(null);
    if (!result.success) expect(formatZodIssues(result.error)[0].path).toBe('');
  });
});
