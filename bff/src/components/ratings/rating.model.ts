import { Schema, type Connection, type Model } from 'mongoose';
import type { AppealReason, DepartmentCode, ItemKey, RatingCaseStatus, RatingLevel, RatingStage } from '@birth/shared';

/**
 * One rating. `_id` is an opaque, deterministic id of (application, stage[, follow_up]), so "one rating per
 * application per stage" and "one 追评" are each a unique insert (the only atomic check FerretDB has), and
 * the id shown to departments says nothing about the application.
 */
export type RatingDoc = {
  _id: string;
  applicationId: string;
  ownerId: string;
  kind: 'stage' | 'follow_up';
  /** The stage rated; for a follow-up, the stage of the rating it follows. */
  stage: RatingStage;
  level: RatingLevel;
  tags: string[];
  /** Plain text as the parent typed it (trimmed); never rendered as HTML anywhere. */
  comment?: string;
  items: ItemKey[];
  departments: DepartmentCode[];
  bad: boolean;
  /** The call-back number for a bad rating, sealed (context `rating.callbackPhone`). */
  callbackPhone?: string;
  /** False until the rating's effects (cases opened, or closed by a follow-up) are written; reconcile finishes them. */
  effectsDone: boolean;
  createdAt: Date;
};

export const ratingSchema = new Schema<RatingDoc>(
  {
    _id: String,
    applicationId: { type: String, required: true, index: true },
    ownerId: { type: String, required: true },
    kind: { type: String, required: true },
    stage: { type: String, required: true },
    level: { type: String, required: true },
    tags: { type: [String], default: [] },
    comment: String,
    items: { type: [String], default: [] },
    departments: { type: [String], default: [] },
    bad: { type: Boolean, required: true },
    callbackPhone: String,
    effectsDone: { type: Boolean, required: true },
    createdAt: { type: Date, required: true, index: true },
  },
  { versionKey: false, minimize: false },
);
ratingSchema.index({ departments: 1, createdAt: -1 });
ratingSchema.index({ effectsDone: 1, createdAt: 1 });

/** A notice a case caused, forwarded into the application's outbox (deterministic id, so exactly once). */
export type CaseNotice = { id: string; template: string; params: Record<string, string> };

/**
 * A bad rating's rectification case for one department. Several writers change it (the department's
 * events, the operator's appeal decision, the parent's follow-up), so it changes only through
 * versioned claims like an application (libraries/versioned.ts).
 */
export type RatingCaseDoc = {
  _id: string;
  version: number;
  ratingId: string;
  applicationId: string;
  stage: RatingStage;
  department: DepartmentCode;
  items: ItemKey[];
  level: RatingLevel;
  status: RatingCaseStatus;
  openedAt: Date;
  callbackDueAt: Date;
  feedbackDueAt: Date;
  callback?: { reached: boolean; note: string; at: Date };
  rectification?: { measures: string; at: Date };
  feedback?: { message: string; at: Date };
  appeal?: {
    reason: AppealReason;
    note: string;
    at: Date;
    state: 'pending' | 'upheld' | 'rejected';
    decidedAt?: Date;
    decisionNote?: string;
    decidedBy?: string;
  };
  followUpAt?: Date;
  eventLog: { id: string; hash: string }[];
  notices: CaseNotice[];
  /** True while some of `notices` may not be in the application's outbox yet. */
  noticesPending: boolean;
  updatedAt: Date;
};

export const ratingCaseSchema = new Schema(
  {
    _id: String,
    version: { type: Number, required: true },
    ratingId: { type: String, required: true, index: true },
    applicationId: { type: String, required: true, index: true },
    stage: { type: String, required: true },
    department: { type: String, required: true },
    items: { type: [String], default: [] },
    level: { type: String, required: true },
    status: { type: String, required: true },
    openedAt: { type: Date, required: true },
    callbackDueAt: { type: Date, required: true },
    feedbackDueAt: { type: Date, required: true },
    callback: Schema.Types.Mixed,
    rectification: Schema.Types.Mixed,
    feedback: Schema.Types.Mixed,
    appeal: Schema.Types.Mixed,
    followUpAt: Date,
    eventLog: { type: [Schema.Types.Mixed], default: [] },
    notices: { type: [Schema.Types.Mixed], default: [] },
    noticesPending: { type: Boolean, default: false },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
ratingCaseSchema.index({ department: 1, openedAt: -1 });
ratingCaseSchema.index({ status: 1, openedAt: -1 });
ratingCaseSchema.index({ noticesPending: 1, updatedAt: 1 });

export const ratingModel = (c: Connection): Model<RatingDoc> =>
  (c.models.Rating as Model<RatingDoc> | undefined) ?? c.model<RatingDoc>('Rating', ratingSchema, 'ratings');
export const ratingCaseModel = (c: Connection): Model<RatingCaseDoc> =>
  (c.models.RatingCase as Model<RatingCaseDoc> | undefined) ??
  c.model<RatingCaseDoc>('RatingCase', ratingCaseSchema, 'rating_cases');
