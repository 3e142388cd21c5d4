import {
  CONSENT_KEYS,
  DELIVERY_METHOD_LABELS,
  MARRIAGE_MODE_LABELS,
  RELATIONSHIPS_TO_HEAD,
  SEX_LABELS,
  type Guide,
} from '@birth/shared';
import { getAt, type Obj } from './model';

// What each field of the form is called, how it is entered, and how it reads on the check-answers
// screen. One table for the form steps, the correction screen and the review.

export type FieldKind = 'text' | 'phone' | 'idcard' | 'choice' | 'select' | 'datetime';

export interface FieldDef {
  path: string;
  label: string;
  kind: FieldKind;
  hint?: string;
  placeholder?: string;
  choices?: readonly { value: string; label: string; note?: string }[];
  /** Shown only when this returns true (e.g. 结婚证字号 only when it is typed in). */
  when?: (values: Obj) => boolean;
  /** Typed by the parent (counted in README), as opposed to picked or prefilled. */
  typed?: boolean;
}

const parent = (role: 'mother' | 'father', who: string): FieldDef[] => [
  { path: `${role}.name`, label: `${who}姓名`, kind: 'text', placeholder: '按身份证填写', typed: true },
  {
    path: `${role}.idNumber`,
    label: `${who}身份证号码`,
    kind: 'idcard',
    hint: '18位，最后一位可能是X',
    placeholder: '例如 330102199203150022',
    typed: true,
  },
  {
    path: `${role}.phone`,
    label: `${who}手机号码`,
    kind: 'phone',
    hint: '办理进度会发到这个号码',
    placeholder: '11位手机号',
    typed: true,
  },
  { path: `${role}.ethnicity`, label: `${who}民族`, kind: 'text', hint: '已填“汉族”，不是请修改' },
];

export const FIELDS: readonly FieldDef[] = [
  {
    path: 'newborn.name',
    label: '宝宝姓名',
    kind: 'text',
    hint: '起好的名字，只能是汉字',
    placeholder: '例如 王小禾',
    typed: true,
  },
  {
    path: 'newborn.sex',
    label: '宝宝性别',
    kind: 'choice',
    choices: [
      { value: 'male', label: SEX_LABELS.male },
      { value: 'female', label: SEX_LABELS.female },
    ],
  },
  { path: 'newborn.birthDateTime', label: '出生时间', kind: 'datetime', hint: '按出生医学证明上的时间，精确到分钟' },
  { path: 'newborn.hospitalId', label: '出生医院', kind: 'select', placeholder: '选择出生的医院' },
  { path: 'newborn.ethnicity', label: '宝宝民族', kind: 'text', hint: '已填“汉族”，不是请修改' },
  ...parent('mother', '母亲'),
  ...parent('father', '父亲'),
  {
    path: 'household.registerWith',
    label: '宝宝的户口落在哪里',
    kind: 'choice',
    choices: [
      { value: 'mother', label: '随母亲落户', note: '落在母亲的户口簿上' },
      { value: 'father', label: '随父亲落户', note: '落在父亲的户口簿上' },
    ],
  },
  { path: 'household.householdHeadName', label: '户主姓名', kind: 'text', hint: '户口簿首页上的户主' },
  {
    path: 'household.householdAddress',
    label: '户籍地址',
    kind: 'text',
    hint: '按户口簿首页“住址”填写',
    placeholder: '例如 浙江省杭州市西湖区文三路100号3幢201室',
    typed: true,
  },
  {
    path: 'household.relationshipToHead',
    label: '宝宝与户主的关系',
    kind: 'choice',
    choices: RELATIONSHIPS_TO_HEAD.map((r) => ({ value: r, label: r })),
  },
  {
    path: 'marriage.mode',
    label: '结婚证信息',
    kind: 'choice',
    choices: [
      { value: 'shared_record', label: MARRIAGE_MODE_LABELS.shared_record, note: '不用拍照，不用填写（推荐）' },
      { value: 'number', label: MARRIAGE_MODE_LABELS.number, note: '在结婚证内页' },
    ],
  },
  {
    path: 'marriage.certificateNumber',
    label: '结婚证字号',
    kind: 'text',
    placeholder: '例如 J330102-2020-001234',
    when: (values) => getAt(values, 'marriage.mode') === 'number',
    typed: true,
  },
];

export const fieldDef = (path: string) => FIELDS.find((f) => f.path === path);

/** The fields a step shows, in order. */
export function fieldsOfSections(sections: readonly string[], values: Obj): FieldDef[] {
  return FIELDS.filter((f) => sections.includes(f.path.split('.')[0]) && (!f.when || f.when(values)));
}

/** The options of select fields that come from the guide. */
export function optionsFor(def: FieldDef, guide: Guide | undefined): { value: string; label: string }[] {
  if (def.path === 'newborn.hospitalId')
    return (guide?.hospitals ?? []).map((h) => ({ value: h.id, label: `${h.name}（${h.city}）` }));
  return [...(def.choices ?? [])];
}

/** How a value reads on the check-answers screen. */
export function displayValue(def: FieldDef, value: unknown, guide?: Guide): string {
  if (value === undefined || value === '') return '未填写';
  if (def.kind === 'choice' || def.kind === 'select') {
    const options = optionsFor(def, guide);
    return options.find((o) => o.value === value)?.label ?? String(value);
  }
  if (def.kind === 'datetime' && typeof value === 'string') {
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) return value;
    const china = new Date(ms + 8 * 3600_000).toISOString();
    return `${china.slice(0, 4)}年${Number(china.slice(5, 7))}月${Number(china.slice(8, 10))}日 ${china.slice(11, 16)}`;
  }
  return String(value);
}

export const CONSENT_TEXTS: Readonly<Record<(typeof CONSENT_KEYS)[number], { title: string; text: string; full: string }>> = {
  sensitiveInfo: {
    title: '同意处理敏感个人信息',
    text: '身份证号、手机号、身份证照片属于敏感个人信息，只用于本次办理，加密保存。',
    full: '《敏感个人信息处理规则》：我们收集父母双方的身份证号码、手机号码和身份证照片，仅用于出生“一件事”联办；这些信息加密存储，在页面上隐藏部分数字显示；照片只给需要它的部门查看，每次查看都有记录；办结后按规定期限删除。您可以拨打12345咨询或要求更正。',
  },
  guardianForChild: {
    title: '以监护人身份同意处理宝宝的信息',
    text: '宝宝不满14周岁，需要您作为监护人同意，我们才能处理宝宝的姓名、出生时间等信息。',
    full: '《儿童个人信息保护规则》：依照《个人信息保护法》，处理不满十四周岁未成年人的个人信息，应当取得其父母或者其他监护人的同意。宝宝的信息只用于办理出生医学证明、户口登记、医保参保和社保卡。',
  },
  shareWithDepartments: {
    title: '同意把信息共享给办理部门',
    text: '医院、派出所、医保和社保部门各自只看到办理本事项需要的信息。',
    full: '《信息共享说明》：为了“一次申请、五件事联办”，您的申请信息将共享给助产机构（出生医学证明、预防接种证）、落户地派出所（户口登记）、医保经办机构（参保登记）和社保卡管理服务机构（社保卡），每个部门只看到其事项需要的字段。',
  },
  notifications: {
    title: '同意接收办理进度通知',
    text: '证件办好、需要更正或可以领取时，通过消息或短信告诉您。',
    full: '《消息通知说明》：我们会在申请受理、事项退回、办结、寄出或可领取时，通过微信/支付宝订阅消息或短信通知您。通知只包含办理进度，不含身份证号码。',
  },
  truthfulnessPledge: {
    title: '承诺所填信息真实',
    text: '填写的信息和上传的照片真实、准确，如有不实愿意承担相应责任。',
    full: '《信息真实性承诺》：本人承诺所填写的信息及提交的材料真实有效，如因信息不实导致无法办理或造成其他后果，由本人承担相应责任。',
  },
};

export const DELIVERY_CHOICES = [
  { value: 'mail', label: DELIVERY_METHOD_LABELS.mail, note: '免费寄到浙江省内的地址' },
  { value: 'pickup', label: DELIVERY_METHOD_LABELS.pickup, note: '办好后通知您到窗口领取' },
] as const;
