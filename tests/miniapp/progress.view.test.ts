// The pure rules behind 办理进度: each item's steps, the timeline in Chinese newest first, field names.
import type { ProgressItem, TimelineEntry } from '@birth/shared';
import {
  describeTimelineEntry,
  fieldLabel,
  itemStateLabel,
  itemSteps,
  statusLabel,
  timelineNewestFirst,
} from '../../miniapp/src/utils/progress';

const item = (over: Partial<ProgressItem>): ProgressItem => ({
  key: 'birth_certificate',
  name: '出生医学证明',
  departmentName: '助产机构',
  state: 'dispatched',
  stateLabel: '已推送至办理部门',
  overdue: false,
  ...over,
});

const statuses = (over: Partial<ProgressItem>) => itemSteps(item(over)).steps.map((s) => `${s.label}:${s.status}`);

describe('itemSteps', () => {
  test('When an item was dispatched, then 推送 is done and 受理 is what it waits for', () => {
    expect(statuses({ state: 'dispatched' })).toEqual(['推送:done', '受理:current', '办结:todo', '发证:todo', '送达:todo']);
  });

  test('When it was rejected, then the 受理 step reads 退回 in the error state and nothing after it is current', () => {
    expect(statuses({ key: 'hukou_registration', state: 'rejected' })).toEqual([
      '推送:done',
      '退回:error',
      '办结:todo',
      '发证:todo',
      '送达:todo',
    ]);
  });

  test('When a document was shipped or is ready for pickup, then that step is named after it and 送达 is next', () => {
    expect(statuses({ state: 'shipped', shipment: { carrier: 'EMS', trackingNumber: '1' } })).toEqual([
      '推送:done',
      '受理:done',
      '办结:done',
      '寄出:done',
      '送达:current',
    ]);
    expect(statuses({ state: 'ready_for_pickup', pickup: { place: 'A', hours: 'B' } })[3]).toBe('领取:done');
  });

  test('When 城乡居民参保登记 is completed, then its three steps are all done; a waiting item has none started', () => {
    expect(statuses({ key: 'medical_insurance', state: 'completed' })).toEqual(['推送:done', '受理:done', '办结:done']);
    const waiting = itemSteps(item({ key: 'social_security_card', state: 'waiting', stateLabel: '等待前一事项办结' }));
    expect(waiting.steps.every((s) => s.status === 'todo')).toBe(true);
    expect(waiting.summary).toBe('尚未开始：等待前一事项办结');
  });
});

describe('the timeline', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 10, 23, 1, 0, s)).toISOString();
  const entries: TimelineEntry[] = [
    { at: at(0), event: 'submit', actor: 'parent', note: '申请已提交' },
    {
      at: at(0),
      itemKey: 'birth_certificate',
      itemName: '出生医学证明',
      event: 'dispatch',
      actor: 'system',
      note: '已推送至助产机构',
    },
    { at: at(5), itemKey: 'birth_certificate', itemName: '出生医学证明', event: 'complete', actor: 'department' },
    { at: at(5), itemKey: 'hukou_registration', itemName: '出生户口登记', event: 'dispatch', actor: 'system' },
    {
      at: at(9),
      itemKey: 'hukou_registration',
      itemName: '出生户口登记',
      event: 'reject',
      actor: 'department',
      note: '2 项需更正',
    },
  ];

  test('When shown, then the newest entry is first and entries of the same instant keep their reverse stored order', () => {
    expect(timelineNewestFirst(entries).map((l) => `${l.subject}|${l.action}`)).toEqual([
      '出生户口登记|已退回',
      '出生户口登记|已推送至落户地派出所',
      '出生医学证明|已办结',
      '出生医学证明|已推送至助产机构',
      '|申请已提交',
    ]);
  });

  test('When events are described, then each reads in plain Chinese', () => {
    const words = ['accept', 'ship', 'ready_for_pickup', 'deliver', 'resubmit'].map(
      (event) => describeTimelineEntry({ at: at(0), itemKey: 'birth_certificate', event, actor: 'department' }).action,
    );
    expect(words).toEqual(['已受理', '已寄出', '可领取', '已送达', '已更正并重新提交']);
    expect(describeTimelineEntry(entries[4]).detail).toContain('2 项需更正');
  });
});

describe('fieldLabel', () => {
  test('When a reason names a form field, then it gets its Chinese name; unknown fields get none', () => {
    expect(fieldLabel('household.householdAddress')).toBe('户籍地址');
    expect(fieldLabel('mother.idNumber')).toBe('母亲身份证号');
    expect(fieldLabel('delivery.birth_certificate.addressDetail')).toBe('领取方式');
    expect(fieldLabel('something.else')).toBeUndefined();
    expect(fieldLabel(undefined)).toBeUndefined();
  });
});

describe('one word for each state', () => {
  test('When an item is rejected, then it reads 已退回 and its application 有事项退回, never 需补正 or 不予受理', () => {
    expect(itemStateLabel(item({ state: 'rejected', stateLabel: '不予受理，需补正' }))).toBe('已退回');
    expect(statusLabel('needs_correction', '需补正材料')).toBe('有事项退回');
  });

  test('When a document was collected at the window, then it reads 已领取, and a mailed one 已送达', () => {
    const pickup = { place: '市民中心', hours: '9-17' };
    expect(itemStateLabel(item({ state: 'delivered', stateLabel: '已送达', pickup }))).toBe('已领取');
    expect(itemStateLabel(item({ state: 'delivered', stateLabel: '已送达' }))).toBe('已送达');
    const line = describeTimelineEntry(
      { at: '2026-11-30T01:00:00Z', itemKey: 'birth_certificate', event: 'deliver', actor: 'department' },
      0,
      new Set(['birth_certificate']),
    );
    expect(line.action).toBe('已领取');
  });
});
