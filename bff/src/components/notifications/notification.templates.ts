import { ITEM_CATALOGUE, isItemKey, type ItemKey } from '@birth/shared';

/** What a parent reads: a one-line title and a sentence or two that says what to do next. */
export type RenderedNotice = { title: string; body: string };

type Params = Record<string, string>;

const itemNameOf = (params: Params, itemKey?: ItemKey) => params.itemName || (itemKey ? ITEM_CATALOGUE[itemKey].name : '事项');

/** What each item's completion means for the parents (standard 4.7: tell them the next step). */
const COMPLETED_NEXT_STEP: Partial<Record<ItemKey, string>> = {
  birth_certificate: '证件将按您选择的方式寄出或通知领取。',
  vaccination_certificate: '证件将按您选择的方式寄出或通知领取。',
  hukou_registration: '宝宝的公民身份号码已生成，户口簿将按您选择的方式寄出或通知领取。',
  medical_insurance: '请按提示缴纳城乡居民医保费，并激活宝宝的医保电子凭证。',
  social_security_card: '社保卡正在制卡，制好后将按您选择的方式寄出或通知领取。',
};

const RENDERERS: Record<string, (params: Params, itemKey?: ItemKey) => RenderedNotice> = {
  application_submitted: (p) => ({
    title: '出生“一件事”申请已提交',
    body: `您的申请已提交${p.itemCount ? `，共 ${p.itemCount} 个事项` : ''}，我们会把各事项推送给相关部门办理，每一步进展都会通知您。`,
  }),
  item_accepted: (p, k) => ({
    title: `“${itemNameOf(p, k)}”已受理`,
    body: `“${itemNameOf(p, k)}”已受理，部门将在 1 个工作日内办结。`,
  }),
  item_rejected: (p, k) => ({
    title: `“${itemNameOf(p, k)}”已退回，有 ${p.reasonCount || '若干'} 项需要更正`,
    body: '请打开“我的申请”，按提示一次性更正后重新提交；其他事项照常办理，不受影响。',
  }),
  item_completed: (p, k) => ({
    title: `“${itemNameOf(p, k)}”已办结`,
    body: (k && COMPLETED_NEXT_STEP[k]) || `“${itemNameOf(p, k)}”已办结。`,
  }),
  item_shipped: (p, k) => ({
    title: `“${itemNameOf(p, k)}”已寄出（${[p.carrier, p.trackingNumber].filter(Boolean).join(' ')}）`,
    body: '可凭快递单号查询物流，请注意查收。',
  }),
  item_ready_for_pickup: (p, k) => ({
    title: `“${itemNameOf(p, k)}”可以领取`,
    body: `可以领取：${p.place || '请见申请详情'}，${p.hours || '工作时间'}。请携带本人身份证件前往。`,
  }),
  item_delivered: (p, k) => ({
    title: `“${itemNameOf(p, k)}”已送达`,
    // No "欢迎评价" per item: the whole application gets one rating invitation once every item is done.
    body: `“${itemNameOf(p, k)}”已签收。`,
  }),
  rating_invitation: (p) =>
    p.stage === 'completed'
      ? {
          title: '出生“一件事”已全部办结，请您评价',
          body: '全部事项已办结。欢迎对本次服务进行评价（非常满意至非常不满意），您的评价将帮助我们改进服务。',
        }
      : {
          title: '出生“一件事”已受理，请您评价',
          body: '您的申请已受理。欢迎对受理服务进行评价（非常满意至非常不满意），您的评价将帮助我们改进服务。',
        },
  rating_reminder: (p) => ({
    title: `您还没有评价出生“一件事”${p.stage === 'completed' ? '办结' : '受理'}服务`,
    body: '您的评价对我们很重要。打开“我的申请”即可评价，只需一分钟。',
  }),
  rating_feedback: (p) => ({
    title: `${p.departmentName || '办理部门'}已反馈对您评价的整改情况`,
    body: '请打开“我的申请”查看整改反馈。如仍有意见，可以追加一次评价（追评）。',
  }),
  rating_appeal_upheld: (p) => ({
    title: '关于您的评价的核实结果',
    body: `经核实，${p.departmentName || '办理部门'}对您${p.stage === 'completed' ? '办结' : '受理'}阶段评价的申诉成立，该评价不计入统计。如有疑问，请拨打 12345 咨询。`,
  }),
};

export const NOTICE_TEMPLATES = Object.keys(RENDERERS);

/** The Chinese text of a notice, or undefined for a template this version does not know. */
export function renderNotice(template: string, params: Params, itemKey?: string): RenderedNotice | undefined {
  const render = RENDERERS[template];
  return render?.(params ?? {}, itemKey && isItemKey(itemKey) ? itemKey : undefined);
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
 * SMS costs money and interrupts: only what needs the parents to act or go somewhere, plus the
 * confirmation that the application went in. Push (subscribe messages) carries everything.
 */
export function wantsSms(template: string, itemKey?: string): boolean {
  if (SMS_WHEN_NO_PUSH.has(template)) return false;
  if (template === 'application_submitted' || template === 'item_rejected' || template === 'item_ready_for_pickup') return true;
  return template === 'item_completed' && itemKey === 'social_security_card';
}
