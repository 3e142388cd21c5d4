import { z } from 'zod';
import { toChinaDateString } from './china-time';
import { parseIdNumber, type Sex } from './id-number';
import { DEPARTMENT_CODES, ITEM_CATALOGUE, isItemKey, type ItemKey } from './items';
import { choice, strict, text } from './schema-kit';
import type { FieldError } from './Problem';

/** One of the four departments, by code. */
export const Department = choice(DEPARTMENT_CODES, '部门编号不正确。');
export type Department = z.infer<typeof Department>;

/** The department's own id for an event: the same id twice is the same event (idempotency). */
export const EventId = z.string({ error: '请提供事件编号 eventId。' }).regex(/^[A-Za-z0-9_\-:.]{8,100}$/, {
  error: '事件编号 eventId 应为8至100位，只能包含字母、数字和 _ - : . 字符。',
});

const eventShape = <T extends string>(type: T) => ({ eventId: EventId, type: z.literal(type) });

export const AcceptEvent = strict({ ...eventShape('accept'), note: text('受理说明', { max: 500 }).optional() }, '受理事件');
export type AcceptEvent = z.infer<typeof AcceptEvent>;

export const RejectReason = strict(
  {
    code: text('原因代码', { max: 50 }).optional(),
    /** The application field at fault, as a dot path (`mother.idNumber`), so the app can point at it. */
    field: text('相关字段', { max: 100 }).optional(),
    message: text('不予受理原因', { max: 500 }),
  },
  '不予受理原因',
);
export type RejectReason = z.infer<typeof RejectReason>;

export const RejectEvent = strict(
  {
    ...eventShape('reject'),
    // 一次性告知 (standard 6.3.5): every reason in this one event, never drip-fed.
    reasons: z
      .array(RejectReason, { error: '请一次性列出全部不予受理原因。' })
      .min(1, { error: '请至少写明一条不予受理原因，并一次性告知全部原因。' })
      .max(50, { error: '不予受理原因最多50条。' }),
  },
  '不予受理事件',
);
export type RejectEvent = z.infer<typeof RejectEvent>;

export const CompleteEvent = strict(
  {
    ...eventShape('complete'),
    // Which fields are needed depends on the item; see validateOutputs.
    outputs: z.record(
      z.string(),
      z.string({ error: '办结结果的每一项都应为文字。' }).trim().min(1, { error: '办结结果不能为空。' }).max(100, {
        error: '办结结果每项最多100个字符。',
      }),
      { error: '请提供办结结果 outputs。' },
    ),
  },
  '办结事件',
);
export type CompleteEvent = z.infer<typeof CompleteEvent>;

export const ShipEvent = strict(
  { ...eventShape('ship'), carrier: text('快递公司', { max: 50 }), trackingNumber: text('快递单号', { min: 5, max: 50 }) },
  '寄出事件',
);
export type ShipEvent = z.infer<typeof ShipEvent>;

export const ReadyForPickupEvent = strict(
  {
    ...eventShape('ready_for_pickup'),
    place: text('领取地点', { max: 200 }),
    hours: text('领取时间', { max: 200 }),
    pickupCode: text('取件码', { max: 32 }).optional(),
  },
  '待领取事件',
);
export type ReadyForPickupEvent = z.infer<typeof ReadyForPickupEvent>;

export const DeliverEvent = strict({ ...eventShape('deliver') }, '送达事件');
export type DeliverEvent = z.infer<typeof DeliverEvent>;

/**
 * What a department system posts to `/api/v1/dept/tasks/:taskId/events`. Whether the event is legal in
 * the item's current state is the state table's business (nextState), not this schema's.
 */
export const DepartmentEvent = z.discriminatedUnion(
  'type',
  [AcceptEvent, RejectEvent, CompleteEvent, ShipEvent, ReadyForPickupEvent, DeliverEvent],
  { error: '事件类型 type 应为 accept、reject、complete、ship、ready_for_pickup 或 deliver 之一。' },
);
export type DepartmentEvent = z.infer<typeof DepartmentEvent>;

export interface OutputsContext {
  /** The newborn's birth date ('YYYY-MM-DD', China time) or birth time, to check the new ID number against. */
  newbornBirthDate?: string;
  newbornSex?: Sex;
  /** Bounds the birth date in the ID number; default now. */
  now?: Date;
}

/**
 * Checks a `complete` event's outputs for an item: exactly the catalogue's output fields, each a non-empty
 * string, and a valid 公民身份号码 for `newbornIdNumber` (matching the newborn when `context` says who it
 * is). Returns every problem at once, in the shape of formatZodIssues; empty when fine.
 */
export function validateOutputs(itemKey: ItemKey, outputs: unknown, context: OutputsContext = {}): FieldError[] {
  if (!isItemKey(itemKey)) return [{ path: '', message: `未知事项：${String(itemKey)}。` }];
  if (typeof outputs !== 'object' || outputs === null || Array.isArray(outputs)) {
    return [{ path: 'outputs', message: '请提供办结结果 outputs。' }];
  }
  const item = ITEM_CATALOGUE[itemKey];
  const given = outputs as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const field of item.outputs) {
    const value = given[field];
    if (typeof value !== 'string' || value.trim() === '') {
      errors.push({ path: `outputs.${field}`, message: `“${item.name}”办结时必须提供 ${field}。` });
    }
  }
  for (const field of Object.keys(given)) {
    if (!item.outputs.includes(field)) {
      errors.push({
        path: `outputs.${field}`,
        message: `“${item.name}”的办结结果不包含 ${field}，应只提供：${item.outputs.join('、')}。`,
      });
    }
  }
  const idNumber = given.newbornIdNumber;
  if (item.outputs.includes('newbornIdNumber') && typeof idNumber === 'string' && idNumber.trim() !== '') {
    const parsed = parseIdNumber(idNumber, context.now);
    if (!parsed.ok) {
      errors.push({ path: 'outputs.newbornIdNumber', message: `新生儿${parsed.reason}` });
    } else {
      const birthDate = newbornDate(context.newbornBirthDate);
      if (birthDate !== undefined && parsed.birthDate !== birthDate) {
        errors.push({
          path: 'outputs.newbornIdNumber',
          message: `新生儿身份证号码中的出生日期（${parsed.birthDate}）与申请中的出生日期（${birthDate}）不一致，请核对。`,
        });
      }
      if (context.newbornSex !== undefined && parsed.sex !== context.newbornSex) {
        errors.push({
          path: 'outputs.newbornIdNumber',
          message: '新生儿身份证号码中的性别与申请中的性别不一致，请核对。',
        });
      }
    }
  }
  return errors;
}

function newbornDate(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : toChinaDateString(new Date(time));
}
