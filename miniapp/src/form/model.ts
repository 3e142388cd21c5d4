import {
  ApplicationDraftInput,
  ApplicationInput,
  CONSENT_KEYS,
  ITEM_CATALOGUE,
  ITEM_KEYS,
  PHYSICAL_ITEM_KEYS,
  formatZodIssues,
  type Guide,
  type ItemKey,
} from '@birth/shared';

// The application form's rules, kept out of the components so they can be unit tested: which step
// holds which fields, what is prefilled, what a step still lacks (the shared zod schemas decide), what a
// PATCH must carry, and which fields a rejected item's reasons point at.

export type Obj = Record<string, unknown>;
/** Field path → one Chinese message. */
export type FieldErrors = Record<string, string>;

export type StepKey = 'newborn' | 'mother' | 'father' | 'household' | 'items' | 'delivery' | 'photos' | 'consents' | 'review';

export interface Step {
  key: StepKey;
  title: string;
  /** Top-level sections of the application this step fills. */
  sections: readonly string[];
}

/** One topic per screen; household registration and the marriage record share one short screen. */
export const STEPS: readonly Step[] = [
  { key: 'newborn', title: '宝宝信息', sections: ['newborn'] },
  { key: 'mother', title: '母亲信息', sections: ['mother'] },
  { key: 'father', title: '父亲信息', sections: ['father'] },
  { key: 'household', title: '落户和结婚信息', sections: ['household', 'marriage'] },
  { key: 'items', title: '选择事项', sections: ['items'] },
  { key: 'delivery', title: '证件怎么拿', sections: ['delivery'] },
  { key: 'photos', title: '身份证照片', sections: ['attachments'] },
  { key: 'consents', title: '授权同意', sections: ['consents'] },
  { key: 'review', title: '核对并提交', sections: [] },
];

export const stepIndex = (key: StepKey) => STEPS.findIndex((s) => s.key === key);

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function getAt(data: unknown, path: string): unknown {
  let node: unknown = data;
  for (const part of path.split('.')) node = isObj(node) ? node[part] : undefined;
  return node;
}

/** A copy of `data` with `path` set to `value` (undefined removes it). */
export function setAt(data: Obj, path: string, value: unknown): Obj {
  const parts = path.split('.');
  const out: Obj = { ...data };
  let node = out;
  for (const part of parts.slice(0, -1)) {
    const next = isObj(node[part]) ? { ...(node[part] as Obj) } : {};
    node[part] = next;
    node = next;
  }
  const last = parts[parts.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return out;
}

/** The BFF masks ID and phone numbers in every answer (`330102********123X`): such a value is on file, not typed here. */
export function isMasked(value: unknown): boolean {
  return typeof value === 'string' && value.includes('*');
}

/** The top-level section a field path belongs to (`mother.idNumber` → `mother`). */
export const sectionOf = (path: string) => path.split('.')[0];

/** The step that shows a field (`delivery.birth_certificate.phone` → delivery); undefined for none. */
export function stepOfPath(path: string): StepKey | undefined {
  const section = sectionOf(path);
  return STEPS.find((s) => s.sections.includes(section))?.key;
}

/** What a parent would otherwise type again: the defaults and what the form already knows elsewhere. */
export function prefill(values: Obj, guide?: Pick<Guide, 'hospitals'>): Obj {
  let out = values;
  const fill = (path: string, value: unknown) => {
    if (value === undefined || value === '') return;
    const current = getAt(out, path);
    if (current === undefined || current === '') out = setAt(out, path, value);
  };
  fill('newborn.ethnicity', '汉族');
  if (guide && guide.hospitals.length === 1) fill('newborn.hospitalId', guide.hospitals[0].id);
  for (const role of ['mother', 'father']) {
    fill(`${role}.idType`, 'resident_id');
    fill(`${role}.ethnicity`, '汉族');
    fill(`${role}.nationality`, '中国');
  }
  fill('marriage.mode', 'shared_record');
  // Consents start unticked, each one the parent's own explicit act.
  for (const key of CONSENT_KEYS) fill(`consents.${key}`, false);
  fill('items', [...ITEM_KEYS]);
  // 户主: the parent the newborn registers with is the usual head of the household; the relationship
  // follows the newborn's sex.
  const registerWith = getAt(out, 'household.registerWith');
  if (registerWith === 'mother' || registerWith === 'father') {
    fill('household.householdHeadName', getAt(out, `${registerWith}.name`));
    const head = getAt(out, 'household.householdHeadName');
    if (head === undefined || head === getAt(out, `${registerWith}.name`)) {
      const sex = getAt(out, 'newborn.sex');
      fill('household.relationshipToHead', sex === 'male' ? '子' : sex === 'female' ? '女' : undefined);
    }
  }
  return out;
}

/** A mailed delivery prefilled with the mother's name and phone (when typed on this device). */
export function defaultMail(values: Obj): Obj {
  const mail: Obj = { method: 'mail' };
  const name = getAt(values, 'mother.name');
  const phone = getAt(values, 'mother.phone');
  if (typeof name === 'string' && name) mail.recipient = name;
  if (typeof phone === 'string' && phone && !isMasked(phone)) mail.phone = phone;
  return mail;
}

/** The chosen items that end with a document to mail or pick up. */
export function physicalChosen(values: Obj): ItemKey[] {
  const items = getAt(values, 'items');
  const chosen = Array.isArray(items) ? items : [];
  return PHYSICAL_ITEM_KEYS.filter((key) => chosen.includes(key));
}

/** Drops deliveries of items no longer chosen (the schema refuses them). */
export function pruneDelivery(values: Obj): Obj {
  const delivery = getAt(values, 'delivery');
  if (!isObj(delivery)) return values;
  const keep = new Set(physicalChosen(values));
  const pruned = Object.fromEntries(Object.entries(delivery).filter(([key]) => keep.has(key as ItemKey)));
  return { ...values, delivery: pruned };
}

/** Replaces masked values by nothing, so the shared schemas do not read `138****5678` as a typo. */
function withoutMasked(data: unknown): unknown {
  if (Array.isArray(data)) return data;
  if (!isObj(data)) return isMasked(data) ? undefined : data;
  const out: Obj = {};
  for (const [key, value] of Object.entries(data)) {
    const v = withoutMasked(value);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** Every masked leaf path of the data (values on file that the parent has not retyped). */
export function maskedPaths(data: unknown, prefix = ''): string[] {
  if (!isObj(data)) return isMasked(data) && prefix ? [prefix] : [];
  return Object.entries(data).flatMap(([key, value]) => maskedPaths(value, prefix ? `${prefix}.${key}` : key));
}

const within = (path: string, prefixes: readonly string[]) => prefixes.some((p) => path === p || path.startsWith(`${p}.`));

/**
 * What still stops the given sections from being submitted, checked by the shared submit schema (the
 * same one the BFF uses): one message per field. Values on file (masked) count as given.
 */
export function validateSections(values: Obj, sections: readonly string[]): FieldErrors {
  const masked = maskedPaths(values);
  const parsed = ApplicationInput.safeParse(withoutMasked(values));
  const errors: FieldErrors = {};
  if (parsed.success) return errors;
  for (const { path, message } of formatZodIssues(parsed.error)) {
    if (!within(path, sections)) continue;
    if (masked.includes(path)) continue;
    if (!errors[path]) errors[path] = message;
  }
  return errors;
}

export function validateStep(values: Obj, step: StepKey): FieldErrors {
  const def = STEPS.find((s) => s.key === step);
  if (!def || def.sections.length === 0) return {};
  return validateSections(values, def.sections);
}

/** Where a resumed draft opens: the first screen that still lacks something, or the review when none does. */
export function firstIncompleteStep(values: Obj): StepKey {
  for (const step of STEPS) {
    if (step.key === 'photos' || step.key === 'review') continue;
    if (Object.keys(validateStep(values, step.key)).length > 0) return step.key;
  }
  return 'review';
}

/**
 * The instant check of one field as the parent leaves it: only its format (the draft schema), so an
 * empty field does not shout before the parent has had a chance to fill it.
 */
export function checkField(values: Obj, path: string): string | undefined {
  const value = getAt(values, path);
  if (value === undefined || value === '' || isMasked(value)) return undefined;
  const probe = setAt({}, path, value);
  const parsed = ApplicationDraftInput.safeParse(probe);
  if (parsed.success) return undefined;
  return formatZodIssues(parsed.error).find((e) => e.path === path)?.message;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * What a PATCH must carry to turn `baseline` (what the BFF holds) into `values`: changed leaves only,
 * `null` for what was removed, never a masked value (the BFF keeps the number it has).
 */
export function changes(baseline: Obj, values: Obj): Obj {
  const out: Obj = {};
  for (const key of new Set([...Object.keys(baseline), ...Object.keys(values)])) {
    const before = baseline[key];
    const after = values[key];
    if (after === undefined) {
      if (before !== undefined) out[key] = null;
    } else if (isObj(after) && isObj(before)) {
      const inner = changes(before, after);
      if (Object.keys(inner).length) out[key] = inner;
    } else if (isMasked(after)) {
      continue;
    } else if (!same(before, after)) {
      out[key] = isObj(after) ? (withoutMasked(after) as Obj) : after;
    }
  }
  return out;
}

/** BFF field errors grouped by path, and the first step that has one (where the parent is taken). */
export function errorsFromServer(errors: readonly { path: string; message: string }[]): {
  fieldErrors: FieldErrors;
  firstStep?: StepKey;
} {
  const fieldErrors: FieldErrors = {};
  for (const { path, message } of errors) if (!fieldErrors[path]) fieldErrors[path] = message;
  const steps = Object.keys(fieldErrors)
    .map(stepOfPath)
    .filter((s): s is StepKey => !!s)
    .sort((a, b) => stepIndex(a) - stepIndex(b));
  return { fieldErrors, firstStep: steps[0] };
}

/** Errors of one step (by its sections), for showing next to its fields. */
export function errorsOfStep(errors: FieldErrors, step: StepKey): FieldErrors {
  const def = STEPS.find((s) => s.key === step);
  if (!def) return {};
  return Object.fromEntries(Object.entries(errors).filter(([path]) => within(path, def.sections)));
}

/** The values with every consent unticked: nothing is pre-ticked, and a resumed draft keeps what was ticked. */
export function consentsOf(values: Obj): Record<(typeof CONSENT_KEYS)[number], boolean> {
  return Object.fromEntries(CONSENT_KEYS.map((k) => [k, getAt(values, `consents.${k}`) === true])) as Record<
    (typeof CONSENT_KEYS)[number],
    boolean
  >;
}

// ---- Correcting a rejected item -------------------------------------------------------------------

/** Fields a parent may change in a correction, by section (items and consents are not corrected). */
export const CORRECTABLE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  newborn: ['newborn.name', 'newborn.sex', 'newborn.birthDateTime', 'newborn.hospitalId', 'newborn.ethnicity'],
  mother: ['mother.name', 'mother.idNumber', 'mother.phone', 'mother.ethnicity'],
  father: ['father.name', 'father.idNumber', 'father.phone', 'father.ethnicity'],
  household: [
    'household.registerWith',
    'household.householdHeadName',
    'household.householdAddress',
    'household.relationshipToHead',
  ],
  marriage: ['marriage.mode', 'marriage.certificateNumber'],
};

/** What each item's department reads, for a rejection whose reasons name no field. */
const ITEM_SECTIONS: Readonly<Record<ItemKey, readonly string[]>> = {
  birth_certificate: ['newborn', 'mother', 'father'],
  vaccination_certificate: ['newborn'],
  hukou_registration: ['household', 'marriage', 'mother', 'father'],
  medical_insurance: ['newborn', 'household'],
  social_security_card: ['newborn'],
};

export interface CorrectionPlan {
  /** Form fields to show, in form order. */
  fields: string[];
  /** Items whose delivery the reasons point at. */
  deliveries: ItemKey[];
  /** ID photo kinds the reasons point at (`attachments.mother_id_front` → mother_id_front). */
  photos: string[];
}

/**
 * Which fields the correction screen shows: exactly what the reasons point at (a field, or a whole
 * section), and only when no reason names anything, what the item's department reads.
 */
export function correctionPlan(itemKey: ItemKey, reasons: readonly { field?: string }[]): CorrectionPlan {
  const fields = new Set<string>();
  const deliveries = new Set<ItemKey>();
  const photos = new Set<string>();
  let named = false;
  for (const { field } of reasons) {
    if (!field) continue;
    const section = sectionOf(field);
    if (section === 'attachments') {
      named = true;
      const kind = field.split('.')[1];
      if (kind) photos.add(kind);
      continue;
    }
    if (section === 'delivery') {
      named = true;
      const key = field.split('.')[1];
      deliveries.add(key && key in ITEM_CATALOGUE ? (key as ItemKey) : itemKey);
      continue;
    }
    const all = CORRECTABLE_FIELDS[section];
    if (!all) continue;
    named = true;
    // A whole section (`mother`), a known field, or a path under a field: show that field.
    if (field === section) all.forEach((f) => fields.add(f));
    else {
      const match = all.find((f) => field === f || field.startsWith(`${f}.`));
      if (match) fields.add(match);
      else all.forEach((f) => fields.add(f));
    }
    // A marriage certificate number only makes sense with its mode.
    if (fields.has('marriage.certificateNumber')) fields.add('marriage.mode');
  }
  if (!named) for (const section of ITEM_SECTIONS[itemKey]) CORRECTABLE_FIELDS[section].forEach((f) => fields.add(f));
  const order = Object.values(CORRECTABLE_FIELDS).flat();
  return {
    fields: order.filter((f) => fields.has(f)),
    deliveries: ITEM_KEYS.filter((k) => deliveries.has(k)),
    photos: [...photos],
  };
}

// ---- Birth date and time, entered in China time ---------------------------------------------------

const CHINA_OFFSET_MS = 8 * 3600_000;

/** `2026-11-28T06:30:00.000Z` → { date: '2026-11-28', time: '14:30' } in China time. */
export function splitChinaDateTime(iso: unknown): { date?: string; time?: string } {
  if (typeof iso !== 'string') return {};
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return {};
  const china = new Date(ms + CHINA_OFFSET_MS).toISOString();
  return { date: china.slice(0, 10), time: china.slice(11, 16) };
}

/** { date, time } in China time → an ISO time with the +08:00 offset; undefined until both are there. */
export function joinChinaDateTime(date?: string, time?: string): string | undefined {
  if (!date || !time || !/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return undefined;
  return `${date}T${time}:00+08:00`;
}

/** Today, yesterday … in China time, for the quick date buttons. */
export function chinaDaysAgo(days: number, now: Date = new Date()): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS - days * 86_400_000).toISOString().slice(0, 10);
}
