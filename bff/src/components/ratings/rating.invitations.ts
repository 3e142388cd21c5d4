import { createHash } from 'node:crypto';
import { RATING_REMINDER_HOURS, type ApplicationStatus, type RatingStage } from '@birth/shared';
import type { OutboxEntry } from '../applications/application.model';
import type { Deliver } from '../notifications';
import type { RatingsRepository } from './ratings.repository';

export const RATING_INVITATION = 'rating_invitation';
export const RATING_REMINDER = 'rating_reminder';

const entryId = (applicationId: string, template: string, discriminator: string) =>
  createHash('sha256').update(`${applicationId}|${template}|${discriminator}`).digest('base64url').slice(0, 32);

function entry(applicationId: string, template: string, stage: RatingStage, nextAt: Date, now: Date): OutboxEntry {
  // Deterministic: whatever retries happen, one invitation and one reminder per application and stage.
  return {
    id: entryId(applicationId, template, stage),
    kind: 'notify',
    template,
    params: { stage },
    state: 'pending',
    attempts: 0,
    nextAt,
    createdAt: now,
  };
}

/**
 * The rating invitations a department event causes, for the same versioned update as the event: when the
 * application's first item is accepted online (受理), and when its last item finishes (the whole
 * application, once — this replaces any per-item "欢迎评价"). Each comes with its one reminder, due
 * `RATING_REMINDER_HOURS` later; the reminder is dropped at delivery if the stage was rated meanwhile.
 */
export function ratingInvitations(
  before: { _id: string; acceptedAt?: Date | null; status: ApplicationStatus },
  after: { firstAcceptance: boolean; status: ApplicationStatus },
  now: Date,
): OutboxEntry[] {
  const stages: RatingStage[] = [];
  if (after.firstAcceptance && !before.acceptedAt) stages.push('accepted');
  if (after.status === 'completed' && before.status !== 'completed') stages.push('completed');
  const remindAt = new Date(now.getTime() + RATING_REMINDER_HOURS * 3600_000);
  return stages.flatMap((stage) => [
    entry(before._id, RATING_INVITATION, stage, now, now),
    entry(before._id, RATING_REMINDER, stage, remindAt, now),
  ]);
}

/**
 * Wraps the notifier: a reminder whose stage has been rated is not sent (the relay records it as done).
 * The check is at delivery, so a rating never needs to touch the application to cancel its reminder.
 */
export function skipAnsweredReminders(
  deliver: Deliver,
  ratings: Pick<RatingsRepository, 'findRating'>,
  ratingId: (applicationId: string, stage: RatingStage) => string,
): Deliver {
  return async (outboxEntry, application) => {
    if (outboxEntry.template === RATING_REMINDER) {
      const stage = outboxEntry.params?.stage as RatingStage | undefined;
      if (stage && (await ratings.findRating(ratingId(application._id, stage)))) return;
    }
    await deliver(outboxEntry, application);
  };
}
