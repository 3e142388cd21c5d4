import type { IdempotencyStore } from '../../libraries/idempotency';
import type { ApplicationsRepository } from './applications.repository';
import type { ApplicationsService } from './applications.service';

export type SweepResult = { drafts: number; idempotencyKeys: number; changes: number; archived: number; remarked: number };

/** Applied version claims are kept this long: far beyond any writer's decision age (libraries/versioned.ts). */
const CLAIM_RETENTION_MS = 10 * 60_000;

/**
 * Expiry without TTL indexes (FerretDB has none): abandoned drafts are removed with their personal data
 * after the retention period, exactly as a withdrawal does (and removals a crash cut short are finished);
 * idempotency records after a week; version claims once applied and past their retention.
 */
export function createSweeper(deps: {
  repo: ApplicationsRepository;
  applications: Pick<ApplicationsService, 'sweepDraft' | 'finishDraftRemoval'>;
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
      const before = new Date(now - deps.draftRetentionHours * 3600_000);
      const { stale, withdrawn } = await deps.repo.findDraftsToRemove(before);
      let drafts = 0;
      for (const id of stale) if (await deps.applications.sweepDraft(id, before)) drafts++;
      for (const id of withdrawn) await deps.applications.finishDraftRemoval(id);
      const idempotencyKeys = await deps.idempotency.sweep(new Date(now - 7 * 86400_000));
      const changes = await deps.repo.sweepChanges(new Date(now - CLAIM_RETENTION_MS));
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
