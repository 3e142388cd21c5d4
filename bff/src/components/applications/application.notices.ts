import { createHash } from 'node:crypto';
import type { ItemKey } from '@birth/shared';
import type { OutboxEntry } from './application.model';

/**
 * A notice for the outbox. Its id is deterministic (application, template, what caused it), so the same
 * state change can never produce two deliveries, even when a writer decides it twice.
 */
export function noticeEntry(
  template: string,
  now: Date,
  applicationId: string,
  discriminator: string,
  params: Record<string, string>,
  itemKey?: ItemKey,
): OutboxEntry {
  const id = createHash('sha256').update(`${applicationId}|${template}|${discriminator}`).digest('base64url').slice(0, 32);
  return { id, kind: 'notify', template, itemKey, params, state: 'pending', attempts: 0, nextAt: now, createdAt: now };
}
