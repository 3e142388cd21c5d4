import type { ApplicationStatus, ItemEvent, ItemKey, ItemState, LoginPlatform } from '@birth/shared';

// What the BFF answers, as the app reads it (see GET /api/v1/openapi.json). Times are ISO 8601 strings.

export interface Tokens {
  accessToken: string;
  refreshToken?: string;
  /** Seconds. */
  expiresIn: number;
}

export interface LoginRequest {
  platform: LoginPlatform;
  code: string;
}

/** One row of 我的申请. */
export interface ApplicationSummary {
  id: string;
  status: ApplicationStatus;
  statusLabel: string;
  newbornName?: string;
  itemCount: number;
  createdAt: string;
  updatedAt?: string;
  submittedAt?: string;
}

export interface RejectionReason {
  code?: string;
  field?: string;
  message: string;
}

export interface ProgressItem {
  key: ItemKey;
  name: string;
  department?: string;
  departmentName: string;
  state: ItemState;
  stateLabel: string;
  dispatchedAt?: string;
  dueAt?: string;
  overdue: boolean;
  acceptedAt?: string;
  completedAt?: string;
  deliveredAt?: string;
  rejection?: { reasons: RejectionReason[]; at?: string };
  /** Masked by the BFF (ID numbers as 330102********123X). */
  outputs?: Record<string, string>;
  shipment?: { carrier: string; trackingNumber: string; at?: string };
  pickup?: { place: string; hours: string; pickupCode?: string; at?: string };
}

export interface TimelineEntry {
  at: string;
  itemKey?: ItemKey;
  itemName?: string;
  event: ItemEvent | 'submit' | 'withdraw' | (string & {});
  actor: 'system' | 'department' | 'parent' | (string & {});
  state?: ItemState;
  note?: string;
}

export interface Progress {
  id?: string;
  status: ApplicationStatus;
  statusLabel: string;
  submittedAt?: string;
  acceptedAt?: string;
  dueAt?: string;
  timeLimitWorkingDays: number;
  workingDaysElapsed: number;
  predictedCompletionAt?: string;
  /** False when this year's holiday schedule is unknown and dates are counted Mon–Fri. */
  calendarCovered?: boolean;
  items: ProgressItem[];
  needsCorrection: { key: ItemKey; name: string; reasons: RejectionReason[] }[];
  /** Oldest first, as stored. */
  timeline: TimelineEntry[];
}

export interface Notice {
  id: string;
  applicationId?: string;
  itemKey?: ItemKey | null;
  title: string;
  body: string;
  createdAt: string;
}

/** GET /applications/:id: the application as entered (identifiers masked) and its items. */
export interface ApplicationView {
  id: string;
  status: ApplicationStatus;
  statusLabel: string;
  version: number;
  data: Record<string, unknown>;
  items: ProgressItem[];
  submittedAt?: string;
  createdAt: string;
  updatedAt: string;
}

/** POST /applications/:id/ratings: a stage rating, or the one 追评 (`stage: 'follow_up'`, `of` the stage). */
export interface RatingInput {
  stage: 'accepted' | 'completed' | 'follow_up';
  of?: 'accepted' | 'completed';
  level: string;
  tags: string[];
  comment?: string;
}

export interface RatingBody {
  id?: string;
  level: string;
  levelLabel?: string;
  bad?: boolean;
  tags?: { code: string; label: string }[];
  comment?: string | null;
  createdAt?: string;
}

export interface RatingStageView {
  stage: 'accepted' | 'completed';
  stageLabel?: string;
  reached: boolean;
  rated: boolean;
  rating: RatingBody | null;
  cases: { departmentName: string; statusLabel?: string; feedback: { message: string; at?: string } | null }[];
  followUp: RatingBody | null;
  canFollowUp: boolean;
}

/** GET /applications/:id/ratings. */
export interface RatingsView {
  applicationId?: string;
  stages: RatingStageView[];
}
