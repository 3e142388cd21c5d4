import type { IdempotencyStore } from '../../libraries/idempotency';
import type { ApplicationsRepository } from './applications.repository';

export type SweepResult = { drafts: number; idempotencyKeys: number; changes: number; attachments?: number };

/**
 * Expiry without TTL indexes (FerretDB has none): abandoned drafts, with the personal data in them, are
 * removed after the retention period; finished idempotency records and applied version claims
 * (application_changes, which only matter until applied) after a week.
 */
export function createSweeper(deps: {
  repo: ApplicationsRepository;
  idempotency: IdempotencyStore;
  draftRetentionHours: number;
  now: () => Date;
  /** Photos of swept or withdrawn drafts and of finished applications past retention (issue 7). */
  attachments?: { sweep(): Promise<number> };
}) {
  return {
    async sweepOnce(): Promise<SweepResult> {
      const now = deps.now().getTime();
      const drafts = await deps.repo.deleteStaleDrafts(new Date(now - deps.draftRetentionHours * 3600_000));
      const weekAgo = new Date(now - 7 * 86400_000);
      const idempotencyKeys = await deps.idempotency.sweep(weekAgo);
      const changes = await deps.repo.sweepChanges(weekAgo);
      const attachments = await deps.attachments?.sweep();
      return { drafts, idempotencyKeys, changes, ...(attachments !== undefined ? { attachments } : {}) };
    },
  };
}
