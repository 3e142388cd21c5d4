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

export const RATING_LEVELS = ['非常满意', '满意', '基本满意', '不满意', '非常不满意'] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];
export type RatingStage = 'accepted' | 'completed';

export interface RatingInput {
  stage: RatingStage;
  level: RatingLevel;
  tags: string[];
  text?: string;
  /** A follow-up rating (追评) after a bad rating's feedback. */
  followUp?: boolean;
}

export interface Rating {
  id?: string;
  stage: RatingStage;
  level: RatingLevel | string;
  tags?: string[];
  text?: string;
  createdAt?: string;
  followUp?: { level: string; tags?: string[]; text?: string; createdAt?: string };
  feedback?: { text?: string; at?: string };
}

export interface RatingsView {
  ratings: Rating[];
}
