// 好差评: stage ratings, the bad-rating case loop (call-back, rectification, feedback, 追评, appeal) and statistics.
export { adminRatingsRouter, departmentRatingsRouter, parentRatingsRouter } from './ratings.router';
export { createRatingsService, type RatingsService, RATING_APPEAL_UPHELD } from './ratings.service';
export { createRatingsRepository, type RatingsRepository } from './ratings.repository';
export { ratingInvitations, skipAnsweredReminders, RATING_INVITATION, RATING_REMINDER } from './rating.invitations';
export { RATING_FEEDBACK } from './case-events';
export { createRatingStats, type RatingStats } from './ratings.stats';
