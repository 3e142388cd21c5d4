import { z } from 'zod';
import { DEPARTMENT_CODES, ITEM_KEYS } from './items';
import { ITEM_EVENTS, ITEM_STATES } from './state-table';
import { RejectionReason } from './ApplicationView';
import { TaskAttachments } from './AttachmentView';

const instant = z.iso.datetime();

/**
 * One item of an application as its department sees it: only the fields the item needs (`data`, see
 * TASK_VIEWS), outputs of earlier items it builds on (`upstream`), and the events it may send next.
 * Lists mask identifiers; `GET /dept/tasks/:taskId` shows them in clear (audited).
 */
export const TaskView = z
  .object({
    taskId: z.string(),
    applicationId: z.string(),
    itemKey: z.enum(ITEM_KEYS),
    itemName: z.string(),
    department: z.enum(DEPARTMENT_CODES),
    state: z.enum(ITEM_STATES),
    stateLabel: z.string(),
    allowedEvents: z.array(z.enum(ITEM_EVENTS)),
    dispatchedAt: instant.optional(),
    dueAt: instant.optional(),
    submittedAt: instant.optional(),
    rejection: z.strictObject({ reasons: z.array(RejectionReason), at: instant }).optional(),
    resubmissions: z.number().int().nonnegative(),
    outputs: z.record(z.string(), z.string()),
    upstream: z.record(z.string(), z.unknown()),
    data: z.record(z.string(), z.unknown()),
    ...TaskAttachments.partial().shape,
  })
  .meta({ id: 'Task' });
export type TaskView = z.infer<typeof TaskView>;

/** `GET /dept/tasks`: oldest first; `nextCursor` while more pages remain. */
export const TaskList = z
  .object({
    department: z.enum(DEPARTMENT_CODES),
    departmentName: z.string(),
    tasks: z.array(TaskView),
    nextCursor: z.string().optional(),
  })
  .meta({ id: 'TaskList' });
export type TaskList = z.infer<typeof TaskList>;

const SlaEntry = z.strictObject({
  taskId: z.string(),
  applicationId: z.string(),
  itemKey: z.enum(ITEM_KEYS),
  itemName: z.string(),
  state: z.enum(ITEM_STATES),
  dispatchedAt: instant.optional(),
  dueAt: instant,
  hoursLate: z.number().optional(),
});

/** `GET /admin/sla`: items overdue or due within `withinHours`, by department. */
export const SlaReport = z
  .object({
    asOf: instant,
    withinHours: z.number(),
    calendarWarnings: z.array(z.string()),
    departments: z.array(
      z.strictObject({
        department: z.enum(DEPARTMENT_CODES),
        departmentName: z.string(),
        overdueCount: z.number().int().nonnegative(),
        dueSoonCount: z.number().int().nonnegative(),
        overdue: z.array(SlaEntry),
        dueSoon: z.array(SlaEntry),
      }),
    ),
  })
  .meta({ id: 'SlaReport' });
export type SlaReport = z.infer<typeof SlaReport>;
