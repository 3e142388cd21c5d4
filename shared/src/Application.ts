import { z } from 'zod';
import { toChinaDateString } from './china-time';
import { parseIdNumber, isValidMainlandPhone } from './id-number';
import { ITEM_CATALOGUE, ITEM_KEYS, isItemKey, validateItemChoice } from './items';
import {
  HAN_NAME_PATTERN,
  PERSON_NAME_PATTERN,
  WHEN_OBJECT,
  choice,
  firstIssue,
  missingOr,
  normaliseNameDots,
  objectAt,
  of,
  strict,
  stringAt,
  text,
} from './schema-kit';

// Two flavours of every schema: `submit` (everything required, consents given, cross-field rules) and
// `draft` (every field optional, but what is there is still checked, so a bad value is caught early).
type Mode = 'submit' | 'draft';

type OptionalShape<S extends Record<string, z.ZodType>> = { [K in keyof S]: z.ZodOptional<S[K]> };

function optionalShape<S extends Record<string, z.ZodType>>(shape: S): OptionalShape<S> {
  return Object.fromEntries(Object.entries(shape).map(([key, schema]) => [key, schema.optional()])) as OptionalShape<S>;
}

type Issue = { readonly path?: readonly PropertyKey[] };

/** True when an issue was already reported at or under `path` (so a rule does not pile on a second message). */
function hasIssueAt(issues: readonly Issue[], path: readonly PropertyKey[]): boolean {
  return issues.some((issue) => {
    const at = issue.path ?? [];
    return path.every((part, i) => at[i] === part);
  });
}

export const SEXES = ['male', 'female'] as const;
export const SEX_LABELS: Readonly<Record<(typeof SEXES)[number], string>> = { male: '男', female: '女' };

/** Identity documents the form knows; only the mainland 居民身份证 is accepted on submit for now. */
export const ID_TYPES = ['resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit'] as const;
export type IdType = (typeof ID_TYPES)[number];
export const SUPPORTED_ID_TYPES: readonly IdType[] = ['resident_id'];
export const ID_TYPE_LABELS: Readonly<Record<IdType, string>> = {
  resident_id: '居民身份证',
  passport: '护照',
  hk_macao_permit: '港澳居民来往内地通行证',
  taiwan_permit: '台湾居民来往大陆通行证',
};

/** Suggestions for 与户主关系 (the field accepts any short Chinese term). */
export const RELATIONSHIPS_TO_HEAD = ['子', '女', '孙子', '孙女', '外孙子', '外孙女'] as const;

/** Tolerates a phone clock a few minutes ahead when checking that a birth is not in the future. */
const CLOCK_SKEW_MS = 10 * 60 * 1000;

function oneYearBefore(now: Date): Date {
  const date = new Date(now.getTime());
  date.setUTCFullYear(date.getUTCFullYear() - 1);
  return date;
}

const mobilePhone = (label: string) =>
  z
    .string({ error: missingOr(label, `${label}应为11位手机号码。`) })
    // People paste numbers as "138 1234 5678" or "138-1234-5678".
    .overwrite((value) => value.replace(/[\s-]/g, ''))
    .min(1, firstIssue({ error: `请填写${label}。` }))
    .refine(isValidMainlandPhone, firstIssue({ error: `${label}应为11位大陆手机号码，请核对。` }));

const newbornShape = {
  name: text('新生儿姓名', {
    min: 2,
    max: 20,
    pattern: HAN_NAME_PATTERN,
    patternMessage: '新生儿姓名只能填写汉字，少数民族姓名可用“·”隔开。',
    normalise: normaliseNameDots,
  }),
  sex: choice(SEXES, '请选择新生儿性别：男或女。'),
  birthDateTime: z.iso
    .datetime({
      offset: true,
      error: missingOr('新生儿出生时间', '新生儿出生时间格式不正确，请重新选择出生日期和时间。'),
    })
    .refine(
      (value) => Date.parse(value) <= Date.now() + CLOCK_SKEW_MS,
      firstIssue({ error: '新生儿出生时间晚于现在，请核对出生日期和时间。' }),
    )
    .refine(
      (value) => Date.parse(value) >= oneYearBefore(new Date()).getTime(),
      firstIssue({
        error: '新生儿出生已超过1年，不能在线联办，请携带材料到落户地派出所或行政服务中心窗口办理。',
      }),
    ),
  // Which hospitals exist is configuration; the BFF checks membership.
  hospitalId: text('出生医院', { max: 64, required: '请选择新生儿出生的医院（助产机构）。' }),
  ethnicity: text('新生儿民族', {
    max: 20,
    pattern: /^\p{Script=Han}+$/u,
    patternMessage: '民族请用汉字填写，例如“汉族”。',
  }),
};

/** The newborn, as the parents describe it (it has no ID number yet: that is an output of 户口登记). */
export const Newborn = strict(newbornShape, '新生儿信息');
export type Newborn = z.infer<typeof Newborn>;
const NewbornDraft = strict(optionalShape(newbornShape), '新生儿信息');

const parentShape = (role: string) => ({
  name: text(of(role, '姓名'), {
    min: 2,
    max: 50,
    pattern: PERSON_NAME_PATTERN,
    patternMessage: `${of(role, '姓名')}请按证件填写，只能包含汉字或字母。`,
    normalise: normaliseNameDots,
  }),
  idType: choice(ID_TYPES, `请选择${of(role, '证件类型')}。`),
  idNumber: z
    .string({ error: missingOr(of(role, '证件号码'), `${of(role, '证件号码')}应填写文字。`) })
    .trim()
    .toUpperCase()
    .min(1, firstIssue({ error: `请填写${of(role, '证件号码')}。` }))
    .max(30, firstIssue({ error: `${of(role, '证件号码')}太长，请对照证件核对。` })),
  phone: mobilePhone(of(role, '手机号码')),
  ethnicity: text(of(role, '民族'), {
    max: 20,
    pattern: /^\p{Script=Han}+$/u,
    patternMessage: '民族请用汉字填写，例如“汉族”。',
  }),
  nationality: text(of(role, '国籍'), { max: 40 }),
});

/** `身份证号码…` → `母亲的身份证号码…`, keeping a leading `请填写`. */
function withRole(role: string, reason: string): string {
  return role
    ? reason.replace(/^(请填写)?身份证号码/, (_match, ask: string | undefined) => `${ask ?? ''}${role}的身份证号码`)
    : reason;
}

function parentRules(role: string, mode: Mode) {
  return (value: unknown, ctx: z.core.$RefinementCtx<unknown>): void => {
    const idType = stringAt(value, 'idType');
    const idNumber = stringAt(value, 'idNumber');
    if (mode === 'submit' && idType !== undefined && (ID_TYPES as readonly string[]).includes(idType)) {
      if (!SUPPORTED_ID_TYPES.includes(idType as IdType)) {
        ctx.addIssue({
          code: 'custom',
          path: ['idType'],
          message: `目前在线联办只支持居民身份证；${of(role, '证件')}为${ID_TYPE_LABELS[idType as IdType]}的，请到行政服务中心联办窗口办理。`,
        });
      }
    }
    if (idNumber === undefined || idNumber === '' || hasIssueAt(ctx.issues, ['idNumber'])) return;
    // A draft may hold the number before the type is chosen; the only supported type is 居民身份证.
    if (idType === 'resident_id' || (idType === undefined && mode === 'draft')) {
      const parsed = parseIdNumber(idNumber);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', path: ['idNumber'], message: withRole(role, parsed.reason) });
    } else if (idType !== undefined && (ID_TYPES as readonly string[]).includes(idType)) {
      if (!/^[A-Z0-9()-]{5,30}$/.test(idNumber)) {
        ctx.addIssue({
          code: 'custom',
          path: ['idNumber'],
          message: `${of(role, '证件号码')}格式不正确，请对照证件核对（只含字母和数字）。`,
        });
      }
    }
  };
}

function parentSchema(role: string) {
  const shape = parentShape(role);
  return strict({ ...shape, nationality: shape.nationality.default('中国') }, of(role, '信息')).superRefine(
    parentRules(role, 'submit'),
    WHEN_OBJECT,
  );
}

function parentDraftSchema(role: string) {
  return strict(optionalShape(parentShape(role)), of(role, '信息')).superRefine(parentRules(role, 'draft'), WHEN_OBJECT);
}

/** A parent. Inside ApplicationInput the messages name the role (母亲 / 父亲). */
export const Parent = parentSchema('');
export type Parent = z.infer<typeof Parent>;

export const MARRIAGE_MODES = ['shared_record', 'number'] as const;
export const MARRIAGE_MODE_LABELS: Readonly<Record<(typeof MARRIAGE_MODES)[number], string>> = {
  shared_record: '由民政部门共享结婚登记信息',
  number: '填写结婚证字号',
};

const marriageShape = {
  mode: choice(MARRIAGE_MODES, '请选择结婚证信息的提供方式：由部门共享获取，或填写结婚证字号。'),
  certificateNumber: text('结婚证字号', { min: 5, max: 40 }).optional(),
};

function marriageRules(mode: Mode) {
  return (value: unknown, ctx: z.core.$RefinementCtx<unknown>): void => {
    if (mode !== 'submit' || stringAt(value, 'mode') !== 'number') return;
    if (stringAt(value, 'certificateNumber') === undefined && !hasIssueAt(ctx.issues, ['certificateNumber'])) {
      ctx.addIssue({
        code: 'custom',
        path: ['certificateNumber'],
        message: '请填写结婚证字号（在结婚证内页），或改为由部门共享获取。',
      });
    }
  };
}

export const Marriage = strict(marriageShape, '结婚信息').superRefine(marriageRules('submit'), WHEN_OBJECT);
export type Marriage = z.infer<typeof Marriage>;
const MarriageDraft = strict(optionalShape(marriageShape), '结婚信息');

const householdShape = {
  registerWith: choice(['mother', 'father'] as const, '请选择新生儿随母亲落户还是随父亲落户。'),
  householdHeadName: text('户主姓名', {
    min: 2,
    max: 50,
    pattern: PERSON_NAME_PATTERN,
    patternMessage: '户主姓名请按户口簿填写，只能包含汉字或字母。',
    normalise: normaliseNameDots,
  }),
  householdAddress: text('户籍地址', { min: 5, max: 120 }),
  relationshipToHead: text('新生儿与户主的关系', {
    max: 10,
    pattern: /^\p{Script=Han}+$/u,
    patternMessage: '与户主的关系请用汉字填写，例如“子”“女”“孙子”“孙女”。',
  }),
};

/** Where the newborn is registered (落户): the household of the mother or of the father. */
export const Household = strict(householdShape, '落户信息');
export type Household = z.infer<typeof Household>;
const HouseholdDraft = strict(optionalShape(householdShape), '落户信息');

export const DELIVERY_METHODS = ['mail', 'pickup'] as const;
export const DELIVERY_METHOD_LABELS: Readonly<Record<(typeof DELIVERY_METHODS)[number], string>> = {
  mail: '邮寄到家',
  pickup: '到窗口自取',
};

const mailShape = {
  recipient: text('收件人姓名', {
    min: 2,
    max: 50,
    pattern: PERSON_NAME_PATTERN,
    patternMessage: '收件人姓名只能包含汉字或字母。',
    normalise: normaliseNameDots,
  }),
  phone: mobilePhone('收件人手机号码'),
  regionCode: z
    .string({ error: missingOr('收件地区', '请重新选择收件地区（省、市、区县）。') })
    .trim()
    .regex(/^\d{6}$/, firstIssue({ error: '请重新选择收件地区（省、市、区县）。' }))
    .refine(
      (code) => code.startsWith('33'),
      firstIssue({ error: '目前证件只能寄送到浙江省内，请填写浙江省内的收件地址，或改为到窗口自取。' }),
    ),
  addressDetail: text('详细收件地址', { min: 5, max: 120 }),
};
const pickupShape = {
  pickupPointId: text('领取地点', { max: 64, required: '请选择领取证件的地点。' }),
};
const deliveryError = { error: '请选择证件领取方式：邮寄或自取。' };

/** How one physical document reaches the parents: mailed within Zhejiang, or picked up at a service point. */
export const Delivery = z.discriminatedUnion(
  'method',
  [
    strict({ method: z.literal('mail'), ...mailShape }, '邮寄信息'),
    strict({ method: z.literal('pickup'), ...pickupShape }, '自取信息'),
  ],
  deliveryError,
);
export type Delivery = z.infer<typeof Delivery>;
const DeliveryDraft = z.discriminatedUnion(
  'method',
  [
    strict({ method: z.literal('mail'), ...optionalShape(mailShape) }, '邮寄信息'),
    strict({ method: z.literal('pickup'), ...optionalShape(pickupShape) }, '自取信息'),
  ],
  deliveryError,
);

const itemKey = z.enum(ITEM_KEYS, { error: '有无法识别的事项，请刷新页面后重新选择。' });

const deliveryMap = <T extends z.ZodType>(delivery: T) =>
  z.partialRecord(itemKey, delivery, {
    error: (issue) =>
      // zod's types omit it, but a record with enum keys reports unknown keys as unrecognized_keys.
      (issue.code as string) === 'unrecognized_keys' || issue.code === 'invalid_key'
        ? '有无法识别的事项，请刷新页面后重新选择领取方式。'
        : '请选择证件领取方式：邮寄或自取。',
  });

/** The consents PIPL asks for, each given separately (the newborn is under 14). */
export const CONSENT_KEYS = [
  'sensitiveInfo',
  'guardianForChild',
  'shareWithDepartments',
  'notifications',
  'truthfulnessPledge',
] as const;
export const CONSENT_MESSAGES: Readonly<Record<(typeof CONSENT_KEYS)[number], string>> = {
  sensitiveInfo: '请阅读并勾选同意《敏感个人信息处理规则》，否则无法提交。',
  guardianForChild: '请以新生儿监护人的身份勾选同意处理新生儿的个人信息，否则无法提交。',
  shareWithDepartments: '请勾选同意将申请信息共享给医院、公安、医保、社保部门办理，这是联办的前提。',
  notifications: '请勾选同意接收办理进度通知，以便及时知道证件何时办好、去哪里领取。',
  truthfulnessPledge: '请勾选承诺所填信息真实有效。',
};

const consentsShape = Object.fromEntries(CONSENT_KEYS.map((key) => [key, z.literal(true, { error: CONSENT_MESSAGES[key] })])) as {
  [K in (typeof CONSENT_KEYS)[number]]: z.ZodLiteral<true>;
};
const consentsDraftShape = Object.fromEntries(
  CONSENT_KEYS.map((key) => [key, z.boolean({ error: '请勾选或取消勾选同意项。' }).optional()]),
) as { [K in (typeof CONSENT_KEYS)[number]]: z.ZodOptional<z.ZodBoolean> };

export const Consents = strict(consentsShape, '授权同意', '请阅读并勾选各项授权同意，否则无法提交。');
export type Consents = z.infer<typeof Consents>;
const ConsentsDraft = strict(consentsDraftShape, '授权同意');

const itemsBase = z.array(itemKey, { error: '请选择要办理的事项。' });

// validateItemChoice also reports duplicates, so the submit schema does not check them twice.
const Items = itemsBase.superRefine((keys, ctx) => {
  for (const message of validateItemChoice(keys)) ctx.addIssue({ code: 'custom', message });
});
const ItemsDraft = itemsBase.refine((keys) => new Set(keys).size === keys.length, {
  error: '有事项重复选择了，每个事项只需选择一次。',
});

type Ctx = z.core.$RefinementCtx<unknown>;

function deliveryRules(value: unknown, ctx: Ctx): void {
  const delivery = objectAt(value, 'delivery');
  if (delivery === undefined) return;
  const rawItems = (value as { items?: unknown }).items;
  // Which items need a delivery is only known once the choice of items itself is valid.
  const chosen = Array.isArray(rawItems) && !hasIssueAt(ctx.issues, ['items']) ? new Set(rawItems.filter(isItemKey)) : undefined;
  for (const key of ITEM_KEYS) {
    const item = ITEM_CATALOGUE[key];
    const given = delivery[key] !== undefined;
    if (given && !item.physical) {
      ctx.addIssue({
        code: 'custom',
        path: ['delivery', key],
        message: `“${item.name}”没有实体证件，无需选择领取方式，请删除。`,
      });
    } else if (given && chosen && !chosen.has(key)) {
      ctx.addIssue({
        code: 'custom',
        path: ['delivery', key],
        message: `没有选择办理“${item.name}”，无需填写它的领取方式，请删除。`,
      });
    } else if (!given && chosen?.has(key) && item.physical && !hasIssueAt(ctx.issues, ['delivery', key])) {
      ctx.addIssue({
        code: 'custom',
        path: ['delivery', key],
        message: `请选择“${item.name}”的领取方式：邮寄或自取。`,
      });
    }
  }
}

function validIdOf(value: unknown, role: 'mother' | 'father', ctx: Ctx) {
  const parent = objectAt(value, role);
  if (!parent || parent.idType !== 'resident_id' || hasIssueAt(ctx.issues, [role, 'idNumber'])) return undefined;
  const parsed = parseIdNumber(parent.idNumber);
  return parsed.ok ? parsed : undefined;
}

function parentRulesAcross(value: unknown, ctx: Ctx): void {
  const mother = validIdOf(value, 'mother', ctx);
  const father = validIdOf(value, 'father', ctx);
  if (mother && mother.sex !== 'female') {
    ctx.addIssue({
      code: 'custom',
      path: ['mother', 'idNumber'],
      message: '母亲的身份证号码显示为男性，请检查是否把父亲和母亲的信息填反了。',
    });
  }
  if (father && father.sex !== 'male') {
    ctx.addIssue({
      code: 'custom',
      path: ['father', 'idNumber'],
      message: '父亲的身份证号码显示为女性，请检查是否把父亲和母亲的信息填反了。',
    });
  }
  if (mother && father && mother.idNumber === father.idNumber) {
    ctx.addIssue({
      code: 'custom',
      path: ['father', 'idNumber'],
      message: '父亲和母亲的身份证号码相同，请分别填写父母各自的身份证号码。',
    });
  }
  const birth = stringAt(objectAt(value, 'newborn'), 'birthDateTime');
  if (birth === undefined || hasIssueAt(ctx.issues, ['newborn', 'birthDateTime'])) return;
  const birthDate = toChinaDateString(new Date(birth));
  for (const [parent, label] of [
    [mother, '母亲'],
    [father, '父亲'],
  ] as const) {
    if (parent && parent.birthDate >= birthDate) {
      ctx.addIssue({
        code: 'custom',
        path: ['newborn', 'birthDateTime'],
        message: `新生儿出生日期不晚于${label}的出生日期，请核对新生儿出生时间和${label}的身份证号码。`,
      });
    }
  }
}

/**
 * Everything the parents submit, checked as a whole: unknown keys are rejected, every bad field is
 * reported at once (cross-field rules run even when other fields fail), every message is Chinese.
 */
export const ApplicationInput = strict(
  {
    newborn: Newborn,
    mother: parentSchema('母亲'),
    father: parentSchema('父亲'),
    marriage: Marriage,
    household: Household,
    items: Items,
    delivery: deliveryMap(Delivery),
    consents: Consents,
  },
  '申请信息',
).superRefine((value, ctx) => {
  deliveryRules(value, ctx);
  parentRulesAcross(value, ctx);
}, WHEN_OBJECT);
export type ApplicationInput = z.infer<typeof ApplicationInput>;

const draftSections = {
  newborn: NewbornDraft.optional(),
  mother: parentDraftSchema('母亲').optional(),
  father: parentDraftSchema('父亲').optional(),
  marriage: MarriageDraft.optional(),
  household: HouseholdDraft.optional(),
  delivery: deliveryMap(DeliveryDraft).optional(),
};

/**
 * A draft: any part may be missing, and consents may still be false, but whatever is there must have the
 * right shape and format, and unknown keys are rejected. Cross-field rules wait for the submit.
 */
export const ApplicationDraftInput = strict(
  {
    ...draftSections,
    items: ItemsDraft.optional(),
    consents: ConsentsDraft.optional(),
  },
  '申请草稿',
);
export type ApplicationDraftInput = z.infer<typeof ApplicationDraftInput>;

/**
 * The corrections for a rejected item: any part of the application except the chosen items and the
 * consents, which a correction does not change. The BFF merges them and checks the result with
 * ApplicationInput before resubmitting.
 */
export const ApplicationCorrections = strict(draftSections, '补正信息');
export type ApplicationCorrections = z.infer<typeof ApplicationCorrections>;

export const ResubmitItemInput = strict(
  {
    corrections: ApplicationCorrections,
    note: z
      .string({ error: '补充说明应填写文字。' })
      .trim()
      .max(500, { error: '补充说明最多500个字，请精简后再提交。' })
      .optional(),
  },
  '补正内容',
);
export type ResubmitItemInput = z.infer<typeof ResubmitItemInput>;
