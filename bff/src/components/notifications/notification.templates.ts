// What each notice says, per channel. One definition per template:
// - inbox: title + body for the in-app inbox (the full text; titles never repeat the body);
// - sms: an approved-template text with {variables}, kept to one 70-character segment with the signature
//   (notification.formats.ts fits the variables and checks the budget; the README lists these texts);
// - push: the meaning of the notice as typed fields (item, status, time, tip, code…), which
//   notification.formats.ts maps onto each platform's template keywords from configuration.
// No notice carries personal data: no names, ID numbers, phone numbers or addresses of the family.
import { ITEM_CATALOGUE, isItemKey, type ItemKey } from '@birth/shared';

/** What a parent reads in the app: a one-line title and a sentence or two that says what to do next. */
export type RenderedNotice = { title: string; body: string };

type Params = Record<string, string>;

/**
 * The meaning of a notice for subscribe messages, by field type. Each value is later fitted to the
 * platform keyword it is mapped to (WeChat `thing` ≤ 20 characters, `phrase` ≤ 5 Chinese characters…).
 */
export type PushFields = {
  /** The item or the application ("出生医学证明", "出生一件事"). */
  item: string;
  /** Short status, ≤ 5 Chinese characters ("已受理"). */
  status: string;
  /** What to do next or what happens next, ≤ 20 characters. */
  tip: string;
  /** When it happened, ISO instant (formatted per platform). */
  time?: string;
  /** A code without Chinese: pickup code, tracking number. */
  code?: string;
  /** A short place name. */
  place?: string;
  /** An amount in yuan, digits only ("400"). */
  amount?: string;
  /** A date, ISO (formatted per platform). */
  date?: string;
  /** A count. */
  count?: string;
};

/** An SMS template: the text to register with the vendor, and the variables filled in per notice. */
export type SmsTemplate = {
  /** Variables in {braces}; Aliyun registers them as ${name}, Tencent as {1}, {2}… in this order. */
  text: string;
  vars: (params: Params, itemKey?: ItemKey) => Params;
};

type NoticeDefinition = {
  inbox: (params: Params, itemKey?: ItemKey) => RenderedNotice;
  /** SMS texts by variant; `variant` picks one from the notice (e.g. with or without a pickup code). */
  sms: Record<string, SmsTemplate>;
  smsVariant?: (params: Params, itemKey?: ItemKey) => string;
  push: (params: Params, itemKey?: ItemKey) => PushFields;
};

const itemNameOf = (params: Params, itemKey?: ItemKey) => params.itemName || (itemKey ? ITEM_CATALOGUE[itemKey].name : '事项');
const APP = '出生“一件事”';
/** Standard §6.4.3: where the electronic certificates can be seen. */
export const E_CERTIFICATES_LINE = '可在“浙里办”APP查询电子出生医学证明、电子户口簿和电子社保卡。';
const stageName = (p: Params) => (p.stage === 'completed' ? '办结' : '受理');

/** What each item's completion means for the parents (standard 4.7: tell them the next step). */
const COMPLETED_NEXT_STEP: Record<ItemKey, { inbox: string; sms: string; tip: string }> = {
  birth_certificate: {
    inbox: '证件将按您选择的方式寄出或通知领取；电子出生医学证明可在“浙里办”APP查询。',
    sms: '证件将寄出或通知领取，电子证可在浙里办查询',
    tip: '等待寄出或领取通知',
  },
  vaccination_certificate: {
    inbox: '证件将按您选择的方式寄出或通知领取。',
    sms: '证件将寄出或通知领取',
    tip: '等待寄出或领取通知',
  },
  hukou_registration: {
    inbox: '宝宝的公民身份号码已生成，户口簿将按您选择的方式寄出或通知领取；电子户口簿可在“浙里办”APP查询。',
    sms: '户口簿将寄出或通知领取，电子户口簿可在浙里办查询',
    tip: '等待户口簿寄出或领取',
  },
  medical_insurance: {
    inbox: '宝宝已完成城乡居民参保登记，缴费和医保电子凭证激活的提示另行发送。',
    sms: '缴费和激活提示另行发送',
    tip: '留意缴费和激活提示',
  },
  social_security_card: {
    inbox: '社保卡正在制卡，制好后将按您选择的方式寄出或通知领取；电子社保卡可在“浙里办”APP查询。',
    sms: '正在制卡，制好后寄出或通知领取',
    tip: '制卡后寄出或通知领取',
  },
};

const DEFINITIONS: Record<string, NoticeDefinition> = {
  application_submitted: {
    inbox: (p) => ({
      title: `${APP}申请已提交`,
      body: `${p.itemCount ? `共 ${p.itemCount} 个事项，` : ''}我们会推送给相关部门办理，每一步进展都会通知您，无需再跑窗口。`,
    }),
    sms: {
      default: {
        text: '您的出生一件事申请已提交，共{count}个事项，办理进展将陆续通知您，无需跑窗口。',
        vars: (p) => ({ count: p.itemCount || '5' }),
      },
    },
    push: (p) => ({ item: APP, status: '已提交', tip: '办理进展将陆续通知您', count: p.itemCount }),
  },
  item_accepted: {
    inbox: (p, k) => ({ title: `“${itemNameOf(p, k)}”已受理`, body: '办理部门将在 1 个工作日内办结，办结后通知您。' }),
    sms: {
      default: { text: '{item}已受理，部门将在1个工作日内办结，办结后通知您。', vars: (p, k) => ({ item: itemNameOf(p, k) }) },
    },
    push: (p, k) => ({ item: itemNameOf(p, k), status: '已受理', tip: '1个工作日内办结', time: p.at }),
  },
  item_rejected: {
    inbox: (p, k) => ({
      title: `“${itemNameOf(p, k)}”已退回，有 ${p.reasonCount || '若干'} 项需要更正`,
      body: '请打开“我的申请”，按提示一次性更正后重新提交；其他事项照常办理，不受影响。',
    }),
    sms: {
      default: {
        text: '{item}有{count}处需更正，请在“我的申请”按提示修改后重新提交，其他事项不受影响。',
        vars: (p, k) => ({ item: itemNameOf(p, k), count: p.reasonCount || '1' }),
      },
    },
    push: (p, k) => ({
      item: itemNameOf(p, k),
      status: '需更正',
      tip: '请按提示更正后重新提交',
      time: p.at,
      count: p.reasonCount,
    }),
  },
  item_completed: {
    inbox: (p, k) => ({
      title: `“${itemNameOf(p, k)}”已办结`,
      body: k ? COMPLETED_NEXT_STEP[k].inbox : '办理结果可在“我的申请”查看。',
    }),
    sms: {
      default: {
        text: '{item}已办结，{next}。',
        vars: (p, k) => ({ item: itemNameOf(p, k), next: k ? COMPLETED_NEXT_STEP[k].sms : '结果可在我的申请查看' }),
      },
    },
    push: (p, k) => ({
      item: itemNameOf(p, k),
      status: '已办结',
      tip: k ? COMPLETED_NEXT_STEP[k].tip : '结果可在我的申请查看',
      time: p.at,
    }),
  },
  item_shipped: {
    inbox: (p, k) => ({
      title: `“${itemNameOf(p, k)}”已寄出（${[p.carrier, p.trackingNumber].filter(Boolean).join(' ') || '快递'}）`,
      body: '可凭快递单号查询物流。请留意快递来电，签收时核对证件。',
    }),
    sms: {
      default: {
        text: '{item}已由{carrier}寄出，单号{code}，请留意快递来电并及时签收。',
        vars: (p, k) => ({ item: itemNameOf(p, k), carrier: p.carrier || '快递', code: p.trackingNumber || '' }),
      },
    },
    push: (p, k) => ({
      item: itemNameOf(p, k),
      status: '已寄出',
      tip: `${p.carrier || '快递'}已揽收，请留意签收`,
      code: p.trackingNumber,
      time: p.at,
    }),
  },
  item_ready_for_pickup: {
    inbox: (p, k) => ({
      title: `“${itemNameOf(p, k)}”待领取${p.pickupCode ? `，取件码 ${p.pickupCode}` : ''}`,
      body: `可以领取：${p.place || '见申请详情'}，${p.hours || '工作日办公时间'}。请携带本人身份证件前往${p.pickupCode ? '，在窗口出示取件码' : ''}。`,
    }),
    smsVariant: (p) => (p.pickupCode ? 'withCode' : 'default'),
    sms: {
      withCode: {
        text: '{item}可领取，取件码{code}，地点：{place}，请带身份证在办公时间前往。',
        vars: (p, k) => ({ item: itemNameOf(p, k), code: p.pickupCode || '', place: p.placeShort || p.place || '' }),
      },
      default: {
        text: '{item}可领取，地点：{place}，请带身份证在办公时间前往。',
        vars: (p, k) => ({ item: itemNameOf(p, k), place: p.placeShort || p.place || '' }),
      },
    },
    push: (p, k) => ({
      item: itemNameOf(p, k),
      status: '待领取',
      tip: '请带身份证在办公时间领取',
      place: p.placeShort || p.place,
      code: p.pickupCode,
      time: p.at,
    }),
  },
  item_delivered: {
    // A mailed item is signed for (签收); a picked-up one is collected (领取): never "签收" for a pickup.
    inbox: (p, k) =>
      p.via === 'pickup'
        ? { title: `“${itemNameOf(p, k)}”已领取`, body: '您已在窗口领取证件，请妥善保管。' }
        : { title: `“${itemNameOf(p, k)}”已签收`, body: '邮寄的证件已签收。如不是您本人或家人签收，请联系办理部门。' },
    smsVariant: (p) => (p.via === 'pickup' ? 'pickup' : 'default'),
    sms: {
      default: {
        text: '{item}已签收，如非本人或家人签收，请联系办理部门。',
        vars: (p, k) => ({ item: itemNameOf(p, k) }),
      },
      pickup: { text: '{item}已在窗口领取，请妥善保管。', vars: (p, k) => ({ item: itemNameOf(p, k) }) },
    },
    push: (p, k) => ({
      item: itemNameOf(p, k),
      status: p.via === 'pickup' ? '已领取' : '已签收',
      tip: '请妥善保管证件',
      time: p.at,
    }),
  },
  application_completed: {
    inbox: (p) => ({
      title: `${APP}已全部办结`,
      body: `${p.itemCount ? `${p.itemCount} 个事项均已完成。` : ''}${E_CERTIFICATES_LINE}`,
    }),
    sms: {
      default: {
        text: '您的出生一件事已全部办结，可在浙里办APP查询电子出生证、电子户口簿和电子社保卡。',
        vars: () => ({}),
      },
    },
    push: (p) => ({ item: APP, status: '全部办结', tip: '电子证照可在浙里办查询', time: p.at, count: p.itemCount }),
  },
  medical_insurance_payment: {
    // Standard §6.3.3: after enrolment, prompt the parents to pay and to activate the 医保电子凭证.
    inbox: (p) => ({
      title: '请为宝宝缴纳医保费并激活医保电子凭证',
      body:
        `城乡居民参保登记已办结。请${p.deadline ? `于 ${chineseDate(p.deadline)} 前` : '尽快'}缴纳城乡居民医保费` +
        `${p.amount ? ` ${p.amount} 元` : ''}（“浙里办”APP或支付宝、微信搜索“医保缴费”），` +
        '并在“浙里办”或微信、支付宝中激活宝宝的医保电子凭证，缴费后即享受医保待遇。',
    }),
    smsVariant: (p) => (p.amount && p.deadline ? 'default' : 'noAmount'),
    sms: {
      default: {
        text: '宝宝已参保，请于{date}前缴纳医保费{amount}元，并在浙里办激活宝宝医保电子凭证。',
        vars: (p) => ({ date: chineseDate(p.deadline ?? ''), amount: p.amount ?? '' }),
      },
      noAmount: {
        text: '宝宝已参保，请尽快缴纳城乡居民医保费，并在浙里办激活宝宝医保电子凭证。',
        vars: () => ({}),
      },
    },
    push: (p) => ({
      item: '城乡居民医保缴费',
      status: '待缴费',
      tip: '缴费后激活医保电子凭证',
      amount: p.amount,
      date: p.deadline,
      time: p.at,
    }),
  },
  rating_invitation: {
    inbox: (p) =>
      p.stage === 'completed'
        ? {
            title: `${APP}已全部办结，请您评价`,
            body: '欢迎对本次服务评价（非常满意至非常不满意），您的评价将帮助我们改进服务。',
          }
        : { title: `${APP}已受理，请您评价`, body: '欢迎对受理服务评价（非常满意至非常不满意），您的评价将帮助我们改进服务。' },
    sms: {
      default: {
        text: '出生一件事已{stage}，请您评价本次服务：打开“我的申请”即可，只需一分钟。',
        vars: (p) => ({ stage: stageName(p) }),
      },
    },
    push: (p) => ({ item: APP, status: '待评价', tip: `请评价${stageName(p)}服务`, time: p.at }),
  },
  rating_reminder: {
    inbox: (p) => ({
      title: `您还没有评价${APP}${stageName(p)}服务`,
      body: '您的评价对我们很重要。打开“我的申请”即可评价，只需一分钟。',
    }),
    sms: {
      default: {
        text: '您还未评价出生一件事{stage}服务，打开“我的申请”即可评价，只需一分钟。',
        vars: (p) => ({ stage: stageName(p) }),
      },
    },
    push: (p) => ({ item: APP, status: '待评价', tip: `请评价${stageName(p)}服务`, time: p.at }),
  },
  rating_feedback: {
    inbox: (p) => ({
      title: `${p.departmentName || '办理部门'}已反馈对您评价的整改情况`,
      body: '请打开“我的申请”查看整改反馈。如仍有意见，可以追加一次评价（追评）。',
    }),
    sms: {
      default: {
        text: '{dept}已反馈您评价的整改情况，请在“我的申请”查看，可追加评价。',
        vars: (p) => ({ dept: p.departmentName || '办理部门' }),
      },
    },
    push: (p) => ({ item: APP, status: '已反馈', tip: '请查看整改反馈，可追评', time: p.at }),
  },
  rating_appeal_upheld: {
    inbox: (p) => ({
      title: '关于您的评价的核实结果',
      body: `经核实，${p.departmentName || '办理部门'}对您${stageName(p)}阶段评价的申诉成立，该评价不计入统计。如有疑问，请拨打 12345 咨询。`,
    }),
    sms: {
      default: {
        text: '经核实，{dept}对您评价的申诉成立，该评价不计入统计，如有疑问请拨打12345。',
        vars: (p) => ({ dept: p.departmentName || '办理部门' }),
      },
    },
    push: (p) => ({ item: APP, status: '核实结果', tip: '评价申诉成立，不计入统计', time: p.at }),
  },
  // Several item changes within the combining window as one notice (notification.combine.ts builds the
  // entry and the inbox text; `members` is its JSON list). The SMS names the items, or says "多个事项".
  item_updates: {
    inbox: (p) => ({
      title: `${APP}有 ${combinedNames(p).length || '多'} 个事项更新`,
      body: '详情请打开“我的申请”查看。',
    }),
    sms: {
      default: {
        text: '{items}有新进展，详情请在“我的申请”查看。',
        vars: (p) => ({ items: combinedNames(p).join('、') || '多个事项' }),
      },
    },
    push: (p) => ({
      item: combinedNames(p)[0] ? `${combinedNames(p)[0]}等` : APP,
      status: '有新进展',
      tip: '详情请在我的申请查看',
      time: p.at,
    }),
  },
  // The one-time code that confirms a phone typed into the form before it gets notices (phone-confirmations.ts).
  phone_confirmation: {
    inbox: () => ({ title: '手机号验证码', body: '验证码已通过短信发送，10 分钟内有效。' }),
    sms: {
      default: {
        text: '验证码{code}，用于确认接收出生一件事办理通知，{minutes}分钟内有效，请勿告诉他人。',
        vars: (p) => ({ code: p.code ?? '', minutes: p.minutes || '10' }),
      },
    },
    push: () => ({ item: APP, status: '验证码', tip: '请查看短信验证码' }),
  },
};

/** The item names of a combined notice's members, in order, each once. */
function combinedNames(p: Params): string[] {
  let members: Array<{ itemKey?: string; params?: Params }> = [];
  try {
    const parsed = JSON.parse(p.members ?? '[]') as unknown;
    if (Array.isArray(parsed)) members = parsed as typeof members;
  } catch {
    // not a combined notice's params: no names
  }
  const names = members.map(
    (m) => m.params?.itemName || (m.itemKey && isItemKey(m.itemKey) ? ITEM_CATALOGUE[m.itemKey].name : ''),
  );
  return [...new Set(names.filter(Boolean))];
}

/** "2026-03-01" or an ISO instant → "2026年3月1日" (China time). */
export function chineseDate(isoDateOrInstant: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDateOrInstant);
  if (m) return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
  const t = /^\d{4}-\d{2}-\d{2}T/.test(isoDateOrInstant) ? Date.parse(isoDateOrInstant) : NaN;
  if (Number.isNaN(t)) return isoDateOrInstant;
  const china = new Date(t + 8 * 3600_000);
  return `${china.getUTCFullYear()}年${china.getUTCMonth() + 1}月${china.getUTCDate()}日`;
}

export const NOTICE_TEMPLATES = Object.keys(DEFINITIONS);

const keyOf = (itemKey?: string) => (itemKey && isItemKey(itemKey) ? itemKey : undefined);

/** The Chinese text of a notice, or undefined for a template this version does not know. */
export function renderNotice(template: string, params: Params, itemKey?: string): RenderedNotice | undefined {
  return DEFINITIONS[template]?.inbox(params ?? {}, keyOf(itemKey));
}

/** The typed push fields of a notice, or undefined for an unknown template. */
export function noticePushFields(template: string, params: Params, itemKey?: string): PushFields | undefined {
  return DEFINITIONS[template]?.push(params ?? {}, keyOf(itemKey));
}

/** The SMS template (text with {variables}) a notice uses and its variables, or undefined for an unknown template. */
export function noticeSms(
  template: string,
  params: Params,
  itemKey?: string,
): { id: string; text: string; vars: Params } | undefined {
  const def = DEFINITIONS[template];
  if (!def) return undefined;
  const key = keyOf(itemKey);
  const variant = def.smsVariant?.(params ?? {}, key) ?? 'default';
  const sms = def.sms[variant] ?? def.sms.default!;
  return { id: variant === 'default' ? template : `${template}.${variant}`, text: sms.text, vars: sms.vars(params ?? {}, key) };
}

/** Every SMS template id with its text, as registered with the vendor (README lists them). */
export function smsTemplateCatalogue(): Array<{ id: string; template: string; text: string }> {
  return Object.entries(DEFINITIONS).flatMap(([template, def]) =>
    Object.entries(def.sms).map(([variant, sms]) => ({
      id: variant === 'default' ? template : `${template}.${variant}`,
      template,
      text: sms.text,
    })),
  );
}

/**
 * 好差评 notices go by push where the parent is subscribed, else by SMS (the in-app notice always exists):
 * the notifier sends these by SMS only when no push was sent.
 */
export const SMS_WHEN_NO_PUSH: ReadonlySet<string> = new Set([
  'rating_invitation',
  'rating_reminder',
  'rating_feedback',
  'rating_appeal_upheld',
]);

/**
 * SMS costs money and interrupts: only what needs the parents to act or go somewhere (correct, collect,
 * sign for a parcel, pay), plus the confirmation that the application went in and that it is all done.
 */
export function wantsSms(template: string, itemKey?: string): boolean {
  if (SMS_WHEN_NO_PUSH.has(template)) return false;
  if (
    template === 'application_submitted' ||
    template === 'item_rejected' ||
    template === 'item_ready_for_pickup' ||
    template === 'item_shipped' ||
    template === 'application_completed' ||
    template === 'medical_insurance_payment'
  )
    return true;
  return template === 'item_completed' && itemKey === 'social_security_card';
}
