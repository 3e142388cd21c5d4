import { z } from 'zod';

// zod compiles object parsers with `new Function` when it may. The H5 app runs under the BFF's
// Content-Security-Policy (no 'unsafe-eval'), and mini programs forbid eval too: zod's probe for it
// would be refused and reported as a violation on every start. Imported first by app.ts.
z.config({ jitless: true });
