import { createHash } from 'node:crypto';
import type { DepartmentCode, RatingStage } from '@birth/shared';
import type { FieldCrypto } from '../../libraries/crypto';

/**
 * Deterministic, opaque ids: keyed by the blind-index key, so the same (application, stage) always gives
 * the same rating id (a second rating is a duplicate insert), yet a department holding a rating or case id
 * cannot tell which application it belongs to.
 */
export function ratingIds(crypto: FieldCrypto) {
  const id = (prefix: string, value: string) => `${prefix}_${crypto.blindIndex(value, 'rating-id').slice(0, 32)}`;
  return {
    stage: (applicationId: string, stage: RatingStage) => id('rt', `${applicationId}|${stage}`),
    followUp: (applicationId: string, stage: RatingStage) => id('rt', `${applicationId}|${stage}|follow_up`),
    case: (applicationId: string, stage: RatingStage, department: DepartmentCode) =>
      id('rc', `${applicationId}|${stage}|${department}`),
  };
}
export type RatingIds = ReturnType<typeof ratingIds>;

/** The outbox id of a notice a case causes: one per case and template, whatever retries happen. */
export const caseNoticeId = (applicationId: string, template: string, caseId: string) =>
  createHash('sha256').update(`${applicationId}|${template}|${caseId}`).digest('base64url').slice(0, 32);
