import type { IdempotencyStore } from '../../libraries/idempotency';
import type { ApplicationsRepository } from './applications.repository';

export type SweepResult = { drafts: number; idempotencyKeys: number; changes: number; archived: number; remarked: number };

/**
 * Expiry without TTL indexes (FerretDB has none): abandoned drafts, with the personal data in them, are
 * removed after the retention period; finished idempotency records and applied version claims
 * (application_changes, which only matter until applied) after a week.
 */
export function createSweeper(deps: {
  repo: ApplicationsRepository;
  idempotency: IdempotencyStore;
  draftRetentionHours: number;
  /** Finished applications untouched this long move to the archive (default 30 days). */
  archiveAfterDays?: number;
  /** The archive move and the due-queue repair scan the live collection: at most this often (default 1 h). */
  fullScanIntervalMs?: number;
  now: () => Date;
}) {
  const archiveAfterMs = (deps.archiveAfterDays ?? 30) * 86400_000;
  const fullScanIntervalMs = deps.fullScanIntervalMs ?? 3600_000;
  // Real time, not the business clock: this paces CPU, and the idle cost of the embedded stack counts.
  let lastFullScan = -Infinity;
  return {
    async sweepOnce(): Promise<SweepResult> {
      const now = deps.now().getTime();
      const drafts = await deps.repo.deleteStaleDrafts(new Date(now - deps.draftRetentionHours * 3600_000));
      const weekAgo = new Date(now - 7 * 86400_000);
      const idempotencyKeys = await deps.idempotency.sweep(weekAgo);
      const changes = await deps.repo.sweepChanges(weekAgo);
      let archived = 0;
      let remarked = 0;
      if (Date.now() - lastFullScan >= fullScanIntervalMs) {
        lastFullScan = Date.now();
        // The live collection keeps what is in flight; finished applications move out in bounded batches.
        archived = await deps.repo.archiveFinished(new Date(now - archiveAfterMs), 1000);
        remarked = await deps.repo.remarkOutboxDue();
      }
      return { drafts, idempotencyKeys, changes, archived, remarked };
    },
  };
}
