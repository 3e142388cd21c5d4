// How a notice becomes a provider message on each channel: the SMS text fitted to one 70-character
// segment with the signature, and subscribe-message data fitted to each platform keyword's type.
// Template ids and keyword maps come from configuration (PUSH_TEMPLATES, SMS_TEMPLATES); without them
// the formats suit the dev adapters, which show the text as a parent would read it.
import type { ChannelFormats, Notice } from './notifications.notifier';
import { chineseDate, noticePushFields, noticeSms, type PushFields } from './notification.templates';

/** One GSM/UCS-2 SMS segment of Chinese text, the signature 【…】 included. */
export const SMS_SEGMENT_CHARS = 70;
/** Aliyun notification templates take at most 35 characters per variable. */
export const SMS_VARIABLE_MAX_CHARS = 35;

/** The semantic push fields a keyword can be mapped to. */
export type PushField = keyof PushFields;
export const PUSH_FIELDS: readonly PushField[] = ['item', 'status', 'tip', 'time', 'code', 'place', 'amount', 'date', 'count'];

/** One platform template: its id and which notice field fills each keyword (`{"thing1":"item"}`). */
export type PushTemplate = { templateId: string; fields: Record<string, PushField> };
/** Per platform, per notice template. */
export type PushTemplates = Partial<Record<'wechat' | 'alipay', Record<string, PushTemplate>>>;

// ---------------------------------------------------------------- SMS

/** Fills an SMS template text's {variables}. */
export function fillSms(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (_, name: string) => vars[name] ?? '');
}

/** The signature as the handset shows it: 【name】. */
export const smsSignature = (signName: string) => `【${signName}】`;

/** Variables that may be replaced by a shorter stand-in when the text would need a second segment. */
const SHORTER: Record<string, string> = { place: '见我的申请', dept: '办理部门', carrier: '快递', items: '多个事项' };

/**
 * A place as an SMS can carry it: the name without what is in brackets (the full name and the address
 * stay in the app). "杭州市民之家（杭州市行政服务中心）（上城区解放东路18号）" → "杭州市民之家".
 */
export function shortPlaceName(place: string): string {
  const stripped = place
    .replace(/[（(][^（）()]*[）)]/g, '')
    .replace(/[（(][^（）()]*[）)]/g, '')
    .replace(/^浙江省/, '')
    .trim();
  return stripped || place.trim();
}

/**
 * The SMS a notice sends: template id, variables and the full text with the signature. Long variables
 * are replaced by shorter stand-ins until the text fits one segment; codes and numbers are never cut.
 */
export function smsFor(
  template: string,
  params: Record<string, string>,
  itemKey: string | undefined,
  signName: string,
): { id: string; vars: Record<string, string>; text: string } | undefined {
  const sms = noticeSms(template, params, itemKey);
  if (!sms) return undefined;
  const vars = { ...sms.vars };
  if (vars.place) vars.place = shortPlaceName(vars.place);
  for (const [name, value] of Object.entries(vars)) {
    if (value.length > SMS_VARIABLE_MAX_CHARS && SHORTER[name]) vars[name] = SHORTER[name];
  }
  const textOf = () => smsSignature(signName) + fillSms(sms.text, vars);
  for (const name of Object.keys(SHORTER)) {
    if (textOf().length <= SMS_SEGMENT_CHARS) break;
    if (vars[name] !== undefined) vars[name] = SHORTER[name]!;
  }
  return { id: sms.id, vars, text: textOf() };
}

// ---------------------------------------------------------------- WeChat subscribe-message data

/** The value type of a WeChat keyword, from its name: `thing1` → `thing`, `character_string2` → `character_string`. */
export function wechatKeywordType(keyword: string): string {
  return /^([a-z_]+?)\d*$/.exec(keyword)?.[1] ?? keyword;
}

const CHINESE = /[\u3400-\u9fff]/;
const chars = (s: string) => [...s];

/** "2026年3月1日 10:00" in China time. */
export function chineseDateTime(instant: Date): string {
  const china = new Date(instant.getTime() + 8 * 3600_000);
  const hh = String(china.getUTCHours()).padStart(2, '0');
  const mm = String(china.getUTCMinutes()).padStart(2, '0');
  return `${china.getUTCFullYear()}年${china.getUTCMonth() + 1}月${china.getUTCDate()}日 ${hh}:${mm}`;
}

/**
 * Why a value breaks WeChat's rule for its keyword type (subscribeMessage.send answers 47003), or
 * undefined when it is valid. Limits as WeChat documents them for subscribe messages.
 */
export function wechatValueProblem(type: string, value: string): string | undefined {
  const n = chars(value).length;
  if (n === 0) return 'empty';
  switch (type) {
    case 'thing':
      return n <= 20 ? undefined : 'thing longer than 20 characters';
    case 'phrase':
      return n <= 5 && /^[\u3400-\u9fff]+$/.test(value) ? undefined : 'phrase must be at most 5 Chinese characters';
    case 'character_string':
      return n <= 32 && /^[\x21-\x7e]+$/.test(value) ? undefined : 'character_string: at most 32 digits, letters or symbols';
    case 'number':
      return n <= 32 && /^\d+(\.\d+)?$/.test(value) ? undefined : 'number: at most 32 digits';
    case 'letter':
      return n <= 32 && /^[A-Za-z]+$/.test(value) ? undefined : 'letter: at most 32 letters';
    case 'time':
      return /^(\d{4}年\d{1,2}月\d{1,2}日 )?\d{2}:\d{2}$/.test(value) ? undefined : 'time: "2026年3月1日 10:00" or "10:00"';
    case 'date':
      return /^\d{4}年\d{1,2}月\d{1,2}日( \d{2}:\d{2})?$/.test(value) ? undefined : 'date: "2026年3月1日"';
    case 'amount':
      return /^[¥$￥]?\d{1,10}(\.\d{1,2})?元?$/.test(value) ? undefined : 'amount: a currency sign and at most 10 digits';
    case 'name':
      return CHINESE.test(value) ? (n <= 10 ? undefined : 'name longer than 10') : n <= 20 ? undefined : 'name longer than 20';
    case 'phone_number':
      return n <= 17 && /^[\d+\-() ]+$/.test(value) ? undefined : 'phone_number: at most 17 digits or symbols';
    default:
      return n <= 20 ? undefined : `${type} longer than 20 characters`;
  }
}

const truncate = (value: string, max: number) => {
  const c = chars(value);
  return c.length <= max ? value : `${c.slice(0, max - 1).join('')}…`;
};

/** Fits a notice field into a WeChat keyword of the given type; empty fields get a neutral stand-in. */
export function fitWechatValue(type: string, field: PushField, value: string | undefined, now: Date): string {
  const v = (value ?? '').trim();
  switch (type) {
    case 'thing':
      return truncate(v || '无', 20);
    case 'phrase': {
      const only = chars(v)
        .filter((c) => CHINESE.test(c))
        .slice(0, 5)
        .join('');
      return only || '已更新';
    }
    case 'character_string':
      return (
        chars(v)
          .filter((c) => /[\x21-\x7e]/.test(c))
          .slice(0, 32)
          .join('') || '-'
      );
    case 'number':
      return /^\d{1,32}(\.\d+)?$/.test(v) ? v : '0';
    case 'letter':
      return (
        chars(v)
          .filter((c) => /[A-Za-z]/.test(c))
          .slice(0, 32)
          .join('') || 'A'
      );
    case 'time': {
      // Only ISO dates and instants: Date.parse('400') would be the year 400.
      const t = /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : NaN;
      return chineseDateTime(Number.isNaN(t) ? now : new Date(t));
    }
    case 'date': {
      const date = chineseDate(v);
      return /^\d{4}年\d{1,2}月\d{1,2}日$/.test(date) ? date : chineseDate(now.toISOString());
    }
    case 'amount':
      return /^\d{1,10}(\.\d{1,2})?$/.test(v) ? `¥${v}` : '¥0';
    case 'name':
      return truncate(v || '家长', 10);
    default:
      return truncate(v || (field === 'time' ? chineseDateTime(now) : '无'), 20);
  }
}

/** One value of an Alipay keyword (keyword1…): no typed rules; times written out, every value within 20 characters. */
function fitAlipayValue(field: string, value: string | undefined, now: Date): string {
  if (field === 'time' || field === 'date') return fitWechatValue(field, field, value, now);
  if (field === 'amount') return value ? `${value}元` : '—';
  return truncate(value?.trim() || '—', 20);
}

/**
 * The `data` of a subscribe message on `platform`: each of the template's keywords with the notice's field it
 * shows, fitted to the platform's rules (WeChat's typed keywords, Alipay's plain ones). Null when the notice
 * has no push fields.
 */
export function pushData(
  platform: 'wechat' | 'alipay',
  notice: Pick<Notice, 'template' | 'params' | 'itemKey'>,
  template: PushTemplate,
  now: Date,
): Record<string, string> | null {
  const fields = noticePushFields(notice.template, notice.params, notice.itemKey);
  if (!fields) return null;
  return Object.fromEntries(
    Object.entries(template.fields).map(([keyword, field]) => [
      keyword,
      platform === 'wechat'
        ? fitWechatValue(wechatKeywordType(keyword), field, fields[field], now)
        : fitAlipayValue(field, fields[field], now),
    ]),
  );
}

// ---------------------------------------------------------------- channel formats

export type FormatOptions = {
  /** Which subscribe-message platform the push channel speaks; dev sends title and body. */
  push: { platform: 'dev' } | { platform: 'wechat' | 'alipay'; templates: Record<string, PushTemplate> };
  /**
   * Which SMS vendor: dev sends the whole text (the dev inbox adds nothing); a real vendor gets the
   * approved template code per SMS template id and the variables (named for Aliyun, positional for Tencent).
   */
  sms: { vendor: 'dev' | 'aliyun' | 'tencent'; signName: string; templates?: Record<string, string> };
  now?: () => Date;
};

const PAGE = (applicationId: string) => `pages/application/detail?id=${encodeURIComponent(applicationId)}`;

/** The notifier's channel formats (notifications.notifier.ts `formats`), per configured platform and vendor. */
export function createChannelFormats(options: FormatOptions): Required<ChannelFormats> {
  const now = options.now ?? (() => new Date());
  const { push, sms } = options;
  return {
    push: (n) => {
      if (push.platform === 'dev')
        return { templateId: n.template, page: PAGE(n.applicationId), data: { title: n.title, body: n.body } };
      const template = push.templates[n.template];
      if (!template) return null;
      const data = pushData(push.platform, n, template, now());
      return data ? { templateId: template.templateId, page: PAGE(n.applicationId), data } : null;
    },
    sms: (n) => {
      const message = smsFor(n.template, n.params, n.itemKey, sms.signName);
      if (!message) return null;
      if (sms.vendor === 'dev')
        return { templateCode: message.id, params: { body: message.text.slice(smsSignature(sms.signName).length) } };
      const code = sms.templates?.[message.id];
      if (!code) return null;
      if (sms.vendor === 'aliyun') return { templateCode: code, params: message.vars };
      // Tencent templates are positional, in the order the variables appear in the text.
      const text = noticeSms(n.template, n.params, n.itemKey)!.text;
      const order = [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      return {
        templateCode: code,
        params: Object.fromEntries(order.map((name, i) => [String(i + 1), message.vars[name] ?? ''])),
      };
    },
  };
}

/**
 * Parses PUSH_TEMPLATES (`{"wechat":{"item_accepted":{"templateId":"…","fields":{"thing1":"item"}}},"alipay":{…}}`);
 * returns the problems (each naming the path) so config loading can stop with them.
 */
export function parsePushTemplates(json: string | undefined): { templates: PushTemplates; problems: string[] } {
  if (!json) return { templates: {}, problems: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { templates: {}, problems: ['PUSH_TEMPLATES: not valid JSON'] };
  }
  const problems: string[] = [];
  const templates: PushTemplates = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { templates, problems: ['PUSH_TEMPLATES: must be an object'] };
  for (const [platform, byNotice] of Object.entries(raw as Record<string, unknown>)) {
    if (platform !== 'wechat' && platform !== 'alipay') {
      problems.push(`PUSH_TEMPLATES.${platform}: unknown platform (wechat, alipay)`);
      continue;
    }
    const out: Record<string, PushTemplate> = {};
    for (const [notice, t] of Object.entries((byNotice ?? {}) as Record<string, unknown>)) {
      const tpl = t as Partial<PushTemplate> | null;
      if (!tpl || typeof tpl.templateId !== 'string' || !tpl.templateId) {
        problems.push(`PUSH_TEMPLATES.${platform}.${notice}.templateId: required`);
        continue;
      }
      const fields = (tpl.fields ?? {}) as Record<string, unknown>;
      for (const [keyword, field] of Object.entries(fields)) {
        if (!PUSH_FIELDS.includes(field as PushField))
          problems.push(`PUSH_TEMPLATES.${platform}.${notice}.fields.${keyword}: one of ${PUSH_FIELDS.join(', ')}`);
      }
      out[notice] = { templateId: tpl.templateId, fields: fields as Record<string, PushField> };
    }
    templates[platform] = out;
  }
  return { templates, problems };
}
