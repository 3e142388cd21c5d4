import type { AttachmentKind } from './attachment-kinds';
import type { ItemState } from './state-table';

export const DEPARTMENT_CODES = ['hospital', 'police', 'medical_insurance', 'social_security'] as const;
export type DepartmentCode = (typeof DEPARTMENT_CODES)[number];

export type DepartmentName = '助产机构' | '落户地派出所' | '参保地医保经办机构' | '社保卡管理服务机构';

export const DEPARTMENTS: Readonly<Record<DepartmentCode, { readonly name: DepartmentName }>> = {
  hospital: { name: '助产机构' },
  police: { name: '落户地派出所' },
  medical_insurance: { name: '参保地医保经办机构' },
  social_security: { name: '社保卡管理服务机构' },
};

export const ITEM_KEYS = [
  'birth_certificate',
  'vaccination_certificate',
  'hukou_registration',
  'medical_insurance',
  'social_security_card',
] as const;
export type ItemKey = (typeof ITEM_KEYS)[number];

export interface CatalogueItem {
  readonly key: ItemKey;
  /** 事项 name shown to parents. */
  readonly name: string;
  readonly department: DepartmentCode;
  /** Items that must be completed before this one can be dispatched. */
  readonly needs: readonly ItemKey[];
  /** Field names the department must send with `complete`. */
  readonly outputs: readonly string[];
  /** True when a physical document is delivered (mail or pickup) after completion. */
  readonly physical: boolean;
  /** Photos the department may read for this item (see requiredAttachmentKinds for what submit insists on). */
  readonly attachments: readonly AttachmentKind[];
}

const PARENT_IDS = ['mother_id_front', 'mother_id_back', 'father_id_front', 'father_id_back'] as const;

export const ITEM_CATALOGUE: Readonly<Record<ItemKey, CatalogueItem>> = {
  birth_certificate: {
    key: 'birth_certificate',
    name: '出生医学证明',
    department: 'hospital',
    needs: [],
    outputs: ['certificateNumber'],
    physical: true,
    attachments: PARENT_IDS,
  },
  vaccination_certificate: {
    key: 'vaccination_certificate',
    name: '预防接种证',
    department: 'hospital',
    needs: ['birth_certificate'],
    outputs: ['certificateNumber'],
    physical: true,
    attachments: [],
  },
  hukou_registration: {
    key: 'hukou_registration',
    name: '出生户口登记',
    department: 'police',
    needs: ['birth_certificate'],
    outputs: ['newbornIdNumber', 'hukouBookletNumber'],
    physical: true,
    attachments: [...PARENT_IDS, 'household_booklet', 'marriage_certificate'],
  },
  medical_insurance: {
    key: 'medical_insurance',
    name: '城乡居民参保登记',
    department: 'medical_insurance',
    // The newborn's 公民身份号码 only exists once the hukou registration is done.
    needs: ['hukou_registration'],
    outputs: ['insuranceNumber'],
    physical: false,
    attachments: [],
  },
  social_security_card: {
    key: 'social_security_card',
    name: '社会保障卡申领',
    department: 'social_security',
    needs: ['medical_insurance'],
    outputs: ['cardNumber'],
    physical: true,
    attachments: [],
  },
};

/** True when `value` is one of the five item keys (for untrusted input). */
export function isItemKey(value: unknown): value is ItemKey {
  return typeof value === 'string' && (ITEM_KEYS as readonly string[]).includes(value);
}

/** True when `value` is one of the four department codes (for untrusted input). */
export function isDepartmentCode(value: unknown): value is DepartmentCode {
  return typeof value === 'string' && (DEPARTMENT_CODES as readonly string[]).includes(value);
}

/** Keys of the items that end with a physical document to mail or pick up. */
export const PHYSICAL_ITEM_KEYS: readonly ItemKey[] = ITEM_KEYS.filter((key) => ITEM_CATALOGUE[key].physical);

/** The items a department handles, in catalogue order. */
export function itemsForDepartment(code: DepartmentCode): ItemKey[] {
  return ITEM_KEYS.filter((key) => ITEM_CATALOGUE[key].department === code);
}

/** Every item that must be done before `key`, nearest first (transitive closure of `needs`). */
export function prerequisitesOf(key: ItemKey): ItemKey[] {
  const out: ItemKey[] = [];
  const queue = [...ITEM_CATALOGUE[key].needs];
  while (queue.length > 0) {
    const next = queue.shift() as ItemKey;
    if (!out.includes(next)) {
      out.push(next);
      queue.push(...ITEM_CATALOGUE[next].needs);
    }
  }
  return out;
}

// Kept here rather than imported from state-table.ts so that the two modules do not import each other
// at run time; the state-table tests check that these are exactly `completed` and what follows it.
const OUTPUTS_AVAILABLE: ReadonlySet<ItemState> = new Set<ItemState>(['completed', 'shipped', 'ready_for_pickup', 'delivered']);

/**
 * The chosen items that can be sent to their department now: those still `waiting` (a chosen item with
 * no state yet counts as waiting) whose every need is completed or beyond. A need the parents did not
 * choose counts as satisfied outside this application. Returned in catalogue order.
 */
export function itemsReadyToDispatch(states: Partial<Record<ItemKey, ItemState>>, chosen: readonly ItemKey[]): ItemKey[] {
  const chosenSet = new Set(chosen.filter(isItemKey));
  return ITEM_KEYS.filter((key) => {
    if (!chosenSet.has(key)) return false;
    const state = states[key] ?? 'waiting';
    if (state !== 'waiting') return false;
    return ITEM_CATALOGUE[key].needs.every((need) => {
      if (!chosenSet.has(need)) return true;
      const needState = states[need];
      return needState !== undefined && OUTPUTS_AVAILABLE.has(needState);
    });
  });
}

const quoted = (key: ItemKey): string => `“${ITEM_CATALOGUE[key].name}”`;

const PREREQUISITE_WHY: Partial<Record<ItemKey, string>> = {
  hukou_registration: '新生儿的身份证号要办完出生户口登记才有',
  medical_insurance: '社会保障卡要在参保登记后才能申领',
};

/**
 * Checks the parents' choice of items. Returns Chinese messages a parent can act on (empty when fine):
 * 出生医学证明 is always required, and an item may only be chosen together with every item it needs,
 * because for example the newborn's ID number only comes out of the hukou registration.
 */
export function validateItemChoice(chosen: readonly unknown[]): string[] {
  const messages: string[] = [];
  if (!Array.isArray(chosen) || chosen.length === 0) {
    return ['请至少选择一项要办理的事项，其中“出生医学证明”必须选择。'];
  }
  const unknown = chosen.filter((value) => !isItemKey(value));
  if (unknown.length > 0) {
    messages.push(`无法识别的事项：${unknown.map(String).join('、')}。请刷新页面后重新勾选事项。`);
  }
  const keys = chosen.filter(isItemKey);
  const duplicated = ITEM_KEYS.filter((key) => keys.filter((k) => k === key).length > 1);
  if (duplicated.length > 0) {
    messages.push(`事项${duplicated.map(quoted).join('、')}重复选择了，每个事项只需选择一次。`);
  }
  const chosenSet = new Set(keys);
  if (!chosenSet.has('birth_certificate')) {
    messages.push('“出生医学证明”是办理其他事项的基础，必须选择，请勾选“出生医学证明”。');
  }
  for (const key of ITEM_KEYS) {
    if (!chosenSet.has(key)) continue;
    // 出生医学证明 is reported once above; do not repeat it for every item that needs it.
    const missing = prerequisitesOf(key).filter((need) => !chosenSet.has(need) && need !== 'birth_certificate');
    if (missing.length > 0) {
      const ordered = ITEM_KEYS.filter((k) => missing.includes(k));
      const why = ordered
        .map((k) => PREREQUISITE_WHY[k])
        .filter(Boolean)
        .join('；');
      messages.push(
        `办理${quoted(key)}需要先办好${ordered.map(quoted).join('、')}${why ? `（${why}）` : ''}，` +
          `请一并勾选${ordered.map(quoted).join('、')}，或取消${quoted(key)}。`,
      );
    }
  }
  return messages;
}
