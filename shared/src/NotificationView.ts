import { z } from 'zod';
import { ITEM_KEYS } from './items';

const instant = z.iso.datetime();

/** One notice to a parent (progress, rejection, pickup), as shown in the app. */
export const Notice = z
  .object({
    id: z.string(),
    applicationId: z.string(),
    itemKey: z.enum(ITEM_KEYS).nullable(),
    title: z.string(),
    body: z.string(),
    createdAt: instant,
  })
  .meta({ id: 'Notice' });
export type Notice = z.infer<typeof Notice>;

/** `GET /notifications`: newest first. */
export const NoticeList = z.strictObject({ notifications: z.array(Notice) }).meta({ id: 'NoticeList' });
export type NoticeList = z.infer<typeof NoticeList>;

/** `GET /admin/outbox`: where deliveries stand; never their params nor anything of the parents. */
export const OutboxList = z
  .object({
    state: z.enum(['dead', 'pending']),
    count: z.number().int().nonnegative(),
    entries: z.array(
      z.strictObject({
        id: z.string(),
        applicationId: z.string(),
        template: z.string(),
        itemKey: z.enum(ITEM_KEYS).nullable(),
        state: z.string(),
        attempts: z.number().int().nonnegative(),
        lastError: z.string().nullable(),
        nextAt: instant,
        createdAt: instant,
      }),
    ),
  })
  .meta({ id: 'OutboxList' });
export type OutboxList = z.infer<typeof OutboxList>;
