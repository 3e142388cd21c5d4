import fs from 'node:fs';
import path from 'node:path';
import * as shared from '@birth/shared';

describe('@birth/shared entry', () => {
  const dir = path.resolve(__dirname, '../../shared/src');
  const modules = fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.ts') && file !== 'index.ts' && file !== 'schema-kit.ts')
    .map((file) => file.replace(/\.ts$/, ''));

  it.each(modules)('when %s is imported, then everything it exports is re-exported by index', (name) => {
    const mod = require(path.join(dir, name)) as Record<string, unknown>;
    for (const key of Object.keys(mod)) expect(shared).toHaveProperty(key, mod[key]);
  });
});
