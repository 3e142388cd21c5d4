import { DEPARTMENTS, ITEM_CATALOGUE, isItemKey, type ApplicationStatus, type ItemKey, type ItemState } from '@birth/shared';
import type { ProgressItem, TimelineEntry } from '@birth/shared';

// Pure rules for the 办理进度 page: the step indicator of an item, the timeline in Chinese, and which
// colour (tone) a state or status is shown in. Kept out of the components so they can be unit tested.

export type Tone = 'neutral' | 'info' | 'danger' | 'success' | 'action';

export type StepStatus = 'done' | 'current' | 'error' | 'todo';

export interface Step {
  label: string;
  status: StepStatus;
}

export interface ItemSteps {
  steps: Step[];
  /** One sentence for screen readers: 第3步，共5步：已办结. */
  summary: string;
}

/**
 * The steps of one item, short enough (two characters) to sit side by side on a phone in elder mode:
 * 推送 → 受理 → 办结 → 发证 (寄出 | 领取 once known) → 送达; 城乡居民参保登记 has no document and stops at 办结.
 * Each step is an event: the ones that happened are ticked, the next one is current (what the item is
 * waiting for now). A rejected item shows its 受理 step as 退回, in red, and nothing after it.
 */
export function itemSteps(item: Pick<ProgressItem, 'key' | 'state' | 'stateLabel' | 'shipment' | 'pickup'>): ItemSteps {
  const label = itemStateLabel(item);
  const physical = isItemKey(item.key) ? ITEM_CATALOGUE[item.key].physical : true;
  // The progress answer does not say whether the parents chose mail or pickup, so until the department
  // ships or calls for pickup the step is the neutral 发证.
  const handOver = item.pickup ? '领取' : item.shipment ? '寄出' : '发证';
  const labels = physical ? ['推送', '受理', '办结', handOver, item.pickup ? '领到' : '送达'] : ['推送', '受理', '办结'];
  // Index of the last step that happened (-1: none yet).
  const happened: Record<ItemState, number> = {
    waiting: -1,
    dispatched: 0,
    accepted: 1,
    rejected: 0,
    completed: 2,
    shipped: 3,
    ready_for_pickup: 3,
    delivered: 4,
  };
  const last = Math.min(happened[item.state] ?? -1, labels.length - 1);
  const rejected = item.state === 'rejected';
  const steps = labels.map((label, index): Step => {
    if (index <= last) return { label, status: 'done' };
    if (rejected && index === 1) return { label: '退回', status: 'error' };
    if (!rejected && item.state !== 'waiting' && index === last + 1) return { label, status: 'current' };
    return { label, status: 'todo' };
  });
  const summary = last < 0 ? `尚未开始：${label}` : `共${labels.length}步，已完成${last + 1}步：${label}`;
  return { steps, summary };
}

// One word for a rejected item everywhere in the app: 退回 (the state), and 更正 only as what the parent
// does about it. The BFF's labels (需补正材料, 不予受理，需补正) are replaced here for display.

/** An item's state in the app's words; a document collected at the window reads 已领取, not 已送达. */
export function itemStateLabel(item: Pick<ProgressItem, 'state' | 'stateLabel' | 'pickup'>): string {
  if (item.state === 'rejected') return '已退回';
  if (item.state === 'delivered') return item.pickup ? '已领取' : '已送达';
  return item.stateLabel;
}

/** An application's status in the app's words. */
export function statusLabel(status: ApplicationStatus, fallback: string): string {
  if (status === 'needs_correction') return '有事项退回';
  if (status === 'draft') return '草稿，未提交';
  return fallback;
}

export function itemTone(state: ItemState): Tone {
  switch (state) {
    case 'waiting':
      return 'neutral';
    case 'rejected':
      return 'danger';
    case 'ready_for_pickup':
      return 'action';
    case 'completed':
    case 'shipped':
    case 'delivered':
      return 'success';
    default:
      return 'info';
  }
}

export function statusTone(status: ApplicationStatus): Tone {
  switch (status) {
    case 'needs_correction':
      return 'danger';
    case 'completed':
      return 'success';
    case 'draft':
    case 'withdrawn':
      return 'neutral';
    default:
      return 'info';
  }
}

/** When a waiting item will start, in words: 等“出生医学证明”办好后自动开始. */
export function waitingFor(key: ItemKey): string {
  if (!isItemKey(key)) return '';
  const needs = ITEM_CATALOGUE[key].needs;
  if (needs.length === 0) return '提交后自动推送给办理部门';
  return `等${needs.map((need) => `“${ITEM_CATALOGUE[need].name}”`).join('、')}办好后自动开始`;
}

const OUTPUT_LABELS: Record<string, string> = {
  certificateNumber: '证件编号',
  newbornIdNumber: '宝宝身份证号',
  hukouBookletNumber: '户口簿编号',
  insuranceNumber: '参保编号',
  cardNumber: '社保卡号',
};

/** The item's results worth showing (already masked by the BFF), with Chinese labels. */
export function outputRows(outputs: Record<string, string> | undefined): { label: string; value: string }[] {
  return Object.entries(outputs ?? {})
    .filter(([, value]) => typeof value === 'string' && value !== '')
    .map(([key, value]) => ({ label: OUTPUT_LABELS[key] ?? key, value }));
}

function departmentOf(entry: TimelineEntry): string | undefined {
  return entry.itemKey && isItemKey(entry.itemKey) ? DEPARTMENTS[ITEM_CATALOGUE[entry.itemKey].department].name : undefined;
}

export interface TimelineLine {
  key: string;
  at: string;
  /** 出生户口登记 (empty for the application as a whole). */
  subject: string;
  /** 已退回, 已推送至落户地派出所 … */
  action: string;
  /** 2 项需更正, a parent's note … */
  detail?: string;
  tone: Tone;
}

/** One timeline entry in plain Chinese. */
export function describeTimelineEntry(entry: TimelineEntry, index = 0, pickedUp: ReadonlySet<string> = new Set()): TimelineLine {
  const department = departmentOf(entry);
  let action: string;
  let detail: string | undefined;
  let tone: Tone = 'info';
  switch (entry.event) {
    case 'submit':
      action = '申请已提交';
      break;
    case 'dispatch':
      action = department ? `已推送至${department}` : (entry.note ?? '已推送至办理部门');
      break;
    case 'accept':
      action = '已受理';
      break;
    case 'reject':
      action = '已退回';
      detail = entry.note ? `${entry.note}，请查看上方的更正提示` : '请查看上方的更正提示';
      tone = 'danger';
      break;
    case 'resubmit':
      action = '已更正并重新提交';
      detail = entry.note;
      break;
    case 'complete':
      action = '已办结';
      tone = 'success';
      break;
    case 'ship':
      action = '已寄出';
      tone = 'success';
      break;
    case 'ready_for_pickup':
      action = '可领取';
      tone = 'action';
      break;
    case 'deliver':
      action = entry.itemKey && pickedUp.has(entry.itemKey) ? '已领取' : '已送达';
      tone = 'success';
      break;
    case 'withdraw':
      action = '申请已撤回';
      tone = 'neutral';
      break;
    default:
      action = entry.note ?? '状态更新';
  }
  const subject = entry.itemName ?? (entry.itemKey && isItemKey(entry.itemKey) ? ITEM_CATALOGUE[entry.itemKey].name : '');
  return { key: `${entry.at}-${entry.itemKey ?? ''}-${entry.event}-${index}`, at: entry.at, subject, action, detail, tone };
}

/** The timeline newest first; entries at the same instant keep the reverse of their stored order. */
export function timelineNewestFirst(
  entries: readonly TimelineEntry[],
  pickedUp: ReadonlySet<string> = new Set(),
): TimelineLine[] {
  return entries
    .map((entry, index) => ({ entry, index, time: Date.parse(entry.at) || 0 }))
    .sort((a, b) => (b.time === a.time ? b.index - a.index : b.time - a.time))
    .map(({ entry, index }) => describeTimelineEntry(entry, index, pickedUp));
}

const FIELD_LABELS: Record<string, string> = {
  newborn: '新生儿信息',
  'newborn.name': '新生儿姓名',
  'newborn.sex': '新生儿性别',
  'newborn.birthDateTime': '出生时间',
  'newborn.hospitalId': '出生医院',
  'newborn.ethnicity': '新生儿民族',
  mother: '母亲信息',
  father: '父亲信息',
  marriage: '结婚信息',
  'marriage.certificateNumber': '结婚证字号',
  household: '落户信息',
  'household.registerWith': '随父或随母落户',
  'household.householdHeadName': '户主姓名',
  'household.householdAddress': '户籍地址',
  'household.relationshipToHead': '与户主关系',
  attachments: '证件照片',
  delivery: '领取方式',
};

const PARENT_FIELDS: Record<string, string> = {
  name: '姓名',
  idType: '证件类型',
  idNumber: '身份证号',
  phone: '手机号码',
  ethnicity: '民族',
  nationality: '国籍',
};

/** The form field a rejection reason points at, in Chinese (母亲身份证号, 户籍地址 …); undefined when unknown. */
export function fieldLabel(path: string | undefined): string | undefined {
  if (!path) return undefined;
  if (FIELD_LABELS[path]) return FIELD_LABELS[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  const head = path.slice(0, dot);
  const rest = path.slice(dot + 1);
  if ((head === 'mother' || head === 'father') && PARENT_FIELDS[rest]) {
    return `${head === 'mother' ? '母亲' : '父亲'}${PARENT_FIELDS[rest]}`;
  }
  if (head === 'delivery' || head === 'attachments') return FIELD_LABELS[head];
  return undefined;
}
