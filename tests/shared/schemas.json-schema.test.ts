import { z } from 'zod';
import * as shared from '@birth/shared';

describe('shared schemas as JSON Schema (for the OpenAPI document)', () => {
  const schemas = Object.entries(shared as Record<string, unknown>).filter(
    (entry): entry is [string, z.ZodType] => entry[1] instanceof z.ZodType,
  );

  it('when listing the exported schemas, then the request bodies are among them', () => {
    expect(schemas.map(([name]) => name)).toEqual(
      expect.arrayContaining(['ApplicationInput', 'ApplicationDraftInput', 'ResubmitItemInput', 'DepartmentEvent', 'Guide']),
    );
  });

  it.each(schemas)('when %s is converted, then it does not throw and forbids unknown keys where strict', (name, schema) => {
    const json = z.toJSONSchema(schema, { io: 'input' }) as { additionalProperties?: unknown };
    expect(json).toBeDefined();
    if (['ApplicationInput', 'ApplicationDraftInput', 'ResubmitItemInput', 'Guide'].includes(name)) {
      expect(json.additionalProperties).toBe(false);
    }
  });

  it('when the application schema is converted, then field limits are documented', () => {
    const json = z.toJSONSchema(shared.ApplicationInput, { io: 'input' }) as unknown as {
      properties: { newborn: { properties: { name: { minLength?: number; maxLength?: number } } } };
    };
    expect(json.properties.newborn.properties.name).toMatchObject({ minLength: 2, maxLength: 20 });
  });
});
