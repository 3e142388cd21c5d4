import { z } from 'zod';

/** `GET /healthz`: the process runs. */
export const Health = z.strictObject({ status: z.literal('ok') }).meta({ id: 'Health' });
export type Health = z.infer<typeof Health>;

/** `GET /readyz`: the database answers. */
export const Readiness = z.strictObject({ status: z.literal('ready') }).meta({ id: 'Readiness' });
export type Readiness = z.infer<typeof Readiness>;
