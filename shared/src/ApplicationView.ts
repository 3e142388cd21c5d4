import { z } from 'zod';
import { DEPARTMENT_CODES, ITEM_KEYS } from './items';
import { ACTORS, APPLICATION_STATUSES, ITEM_STATES } from './state-table';

// What the BFF answers about applications, as the app and integrators read it. Times are ISO 8601 (UTC) strings.

const instant = z.iso.datetime();

/** A department's reason for not accepting an item; `field` points at the form field at fault. */
export const RejectionReason = z
  .object({ code: z.string().optional(), field: z.string().optional(), message: z.string() })
  .meta({ id: 'RejectionReason' });
export type RejectionReason = z.infer<typeof RejectionReason>;

/** One item of an application as the parent sees it; outputs masked (ID numbers as 330102********123X). */
export const ItemView = z
  .object({
    key: z.enum(ITEM_KEYS),
    name: z.string(),
    department: z.enum(DEPARTMENT_CODES),
    departmentName: z.string(),
    state: z.enum(ITEM_STATES),
    stateLabel: z.string(),
    dispatchedAt: instant.optional(),
    dueAt: instant.optional(),
    overdue: z.boolean(),
    acceptedAt: instant.optional(),
    completedAt: instant.optional(),
    deliveredAt: instant.optional(),
    rejection: z.strictObject({ reasons: z.array(RejectionReason), at: instant }).optional(),
    outputs: z.record(z.string(), z.string()).optional(),
    shipment: z.strictObject({ carrier: z.string(), trackingNumber: z.string(), at: instant }).optional(),
    pickup: z.strictObject({ place: z.string(), hours: z.string(), pickupCode: z.string().optional(), at: instant }).optional(),
  })
  .meta({ id: 'ItemView' });
export type ItemView = z.infer<typeof ItemView>;

/** `GET|PATCH /applications/:id`, `POST /applications`: the application as entered (identifiers masked) and its items. */
export const ApplicationView = z
  .object({
    id: z.string(),
    status: z.enum(APPLICATION_STATUSES),
    statusLabel: z.string(),
    /** The version the `ETag` header names (`"v<version>"`). */
    version: z.number().int().nonnegative(),
    /** The form as entered, personal identifiers masked. */
    data: z.record(z.string(), z.unknown()),
    items: z.array(ItemView),
    submittedAt: instant.optional(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'ApplicationView' });
export type ApplicationView = z.infer<typeof ApplicationView>;

/** One row of 我的申请. */
export const ApplicationSummary = z
  .object({
    id: z.string(),
    status: z.enum(APPLICATION_STATUSES),
    statusLabel: z.string(),
    newbornName: z.string().optional(),
    itemCount: z.number().int().nonnegative(),
    createdAt: instant,
    updatedAt: instant,
    submittedAt: instant.optional(),
  })
  .meta({ id: 'ApplicationSummary' });
export type ApplicationSummary = z.infer<typeof ApplicationSummary>;

/** `GET /applications`. */
export const ApplicationList = z.strictObject({ applications: z.array(ApplicationSummary) }).meta({ id: 'ApplicationList' });
export type ApplicationList = z.infer<typeof ApplicationList>;

/** How an item's document reaches the parents: by mail (phone masked) or at a pickup point of the guide. */
export const DeliveryView = z
  .discriminatedUnion('method', [
    z.strictObject({
      method: z.literal('mail'),
      recipient: z.string().optional(),
      phone: z.string().optional(),
      regionCode: z.string().optional(),
      addressDetail: z.string().optional(),
    }),
    z.strictObject({
      method: z.literal('pickup'),
      pickupPoint: z.strictObject({ id: z.string(), name: z.string(), address: z.string(), hours: z.string() }).optional(),
    }),
  ])
  .meta({ id: 'DeliveryView' });
export type DeliveryView = z.infer<typeof DeliveryView>;

export const ProgressItem = ItemView.extend({ delivery: DeliveryView.optional() }).meta({ id: 'ProgressItem' });
export type ProgressItem = z.infer<typeof ProgressItem>;

/** One step of an application's history, oldest first. */
export const TimelineEntry = z
  .object({
    at: instant,
    itemKey: z.enum(ITEM_KEYS).optional(),
    itemName: z.string().optional(),
    /** An item event (accept, reject…) or submit, withdraw, resubmit, dispatch… */
    event: z.string(),
    actor: z.enum(ACTORS),
    state: z.enum(ITEM_STATES).optional(),
    note: z.string().optional(),
  })
  .meta({ id: 'TimelineEntry' });
export type TimelineEntry = z.infer<typeof TimelineEntry>;

/** `GET /applications/:id/progress`: per-item state, timeline, deadlines and the predicted completion, in working days. */
export const Progress = z
  .object({
    id: z.string(),
    newbornName: z.string().optional(),
    status: z.enum(APPLICATION_STATUSES),
    statusLabel: z.string(),
    submittedAt: instant.optional(),
    acceptedAt: instant.optional(),
    dueAt: instant.optional(),
    timeLimitWorkingDays: z.number().int(),
    workingDaysElapsed: z.number().int().nonnegative(),
    predictedCompletionAt: instant.optional(),
    /** False when this year's holiday schedule is unknown and dates are counted Mon–Fri. */
    calendarCovered: z.boolean(),
    items: z.array(ProgressItem),
    needsCorrection: z.array(z.strictObject({ key: z.enum(ITEM_KEYS), name: z.string(), reasons: z.array(RejectionReason) })),
    timeline: z.array(TimelineEntry),
  })
  .meta({ id: 'Progress' });
export type Progress = z.infer<typeof Progress>;
