// What parents receive, checked over every template × every item × realistic long values: each SMS fits
// one 70-character segment with the configured signature and says what to do; each WeChat keyword keeps
// its type's rule; titles never repeat their bodies; nothing personal appears.
import { DEFAULT_GUIDE, ITEM_CATALOGUE, ITEM_KEYS } from '@birth/shared';
import {
  NOTICE_TEMPLATES,
  noticePushFields,
  noticeSms,
  renderNotice,
  smsTemplateCatalogue,
} from '../../bff/src/components/notifications/notification.templates';
import {
  createChannelFormats,
  fitWechatValue,
  PUSH_FIELDS,
  SMS_SEGMENT_CHARS,
  shortPlaceName,
  smsFor,
  pushData,
  wechatKeywordType,
  wechatValueProblem,
  type PushTemplate,
} from '../../bff/src/components/notifications/notification.formats';
import { findPersonalData } from '../support/leaks';

/** Signatures as long as approved ones get (【浙江政务服务网】 is 9 characters), and the dev default. */
const SIGNATURES = ['浙江政务服务网', '出生一件事'];

/** Places as departments send them: a name, one or two bracketed names and a full street address. */
const PLACES = [
  '杭州市民之家（杭州市行政服务中心）（杭州市上城区解放东路18号市民中心）',
  ...DEFAULT_GUIDE.pickupPoints.map((p) => `${p.name}（${p.address}）`),
  '温州市瑞安市安阳街道行政服务中心一楼出生一件事联办窗口（瑞安市万松东路288号）',
  '义乌市行政服务中心',
];

/** Every parameter set a template can get, the long cases included. */
function paramSets(template: string): Array<Record<string, string>> {
  const at = '2026-03-02T01:30:00.000Z';
  const base = { at, itemCount: '5' };
  switch (template) {
    case 'item_rejected':
      return [{ ...base, reasonCount: '12' }];
    case 'item_shipped':
      return [
        { ...base, carrier: 'EMS', trackingNumber: '1187654321098' },
        { ...base, carrier: '中国邮政速递物流', trackingNumber: 'SF1428035619744' },
        { ...base, carrier: '顺丰速运', trackingNumber: 'JDVA12345678901234' },
      ];
    case 'item_ready_for_pickup':
      return PLACES.flatMap((place) => [
        { ...base, place, hours: DEFAULT_GUIDE.pickupPoints[0]!.hours, pickupCode: '83920174' },
        { ...base, place, hours: '工作日 9:00-17:00' },
      ]);
    case 'item_delivered':
      return [
        { ...base, via: 'mail' },
        { ...base, via: 'pickup' },
      ];
    case 'item_updates': {
      // A combined notice (notification.combine.ts): two items, and all five at once.
      const member = (template: string, itemKey: string) => ({ template, itemKey, params: {} });
      return [
        {
          ...base,
          members: JSON.stringify([member('item_completed', 'birth_certificate'), member('item_accepted', 'hukou_registration')]),
        },
        { ...base, members: JSON.stringify(ITEM_KEYS.map((k) => member('item_completed', k))) },
      ];
    }
    case 'phone_confirmation':
      return [{ ...base, code: '042817', minutes: '10' }];
    case 'medical_insurance_payment':
      return [{ ...base, amount: '400', deadline: '2026-05-30' }, { ...base, amount: '1380.50', deadline: '2026-12-31' }, base];
    case 'rating_invitation':
    case 'rating_reminder':
      return [
        { ...base, stage: 'accepted' },
        { ...base, stage: 'completed' },
      ];
    case 'rating_feedback':
    case 'rating_appeal_upheld':
      return [
        { ...base, stage: 'completed', departmentName: '参保地医保经办机构' },
        { ...base, stage: 'accepted', departmentName: '落户地派出所' },
      ];
    default:
      return [base];
  }
}

/** Every (template, item, params) a parent can receive. */
const CASES = NOTICE_TEMPLATES.flatMap((template) =>
  [undefined, ...ITEM_KEYS].flatMap((itemKey) =>
    paramSets(template).map((params) => ({
      template,
      itemKey,
      params: itemKey ? { ...params, itemName: ITEM_CATALOGUE[itemKey].name } : params,
    })),
  ),
);

describe('SMS texts', () => {
  test.each(SIGNATURES)('When signed 【%s】, then every SMS of every template and item fits one 70-character segment', (sign) => {
    const over: string[] = [];
    for (const c of CASES) {
      const sms = smsFor(c.template, c.params, c.itemKey, sign)!;
      expect(sms).toBeDefined();
      expect(sms.text.startsWith(`【${sign}】`)).toBe(true);
      if (sms.text.length > SMS_SEGMENT_CHARS) over.push(`${sms.text.length}: ${sms.text}`);
      // Every variable filled: no {name} left, no empty slot like "单号，".
      expect(sms.text).not.toMatch(/[{}]/);
      for (const value of Object.values(sms.vars)) expect(value.length).toBeGreaterThan(0);
    }
    expect(over).toEqual([]);
    expect(CASES.length).toBeGreaterThan(100);
  });

  test('When an item is ready for pickup, then the SMS carries the pickup code and the place short name, never the address', () => {
    const sms = smsFor(
      'item_ready_for_pickup',
      {
        itemName: '预防接种证',
        place: '杭州市民之家（杭州市行政服务中心）（杭州市上城区解放东路18号市民中心）',
        hours: '周一至周五 上午8:30—12:00，下午14:00—17:30',
        pickupCode: '83920174',
      },
      'vaccination_certificate',
      '浙江政务服务网',
    )!;
    expect(sms.text).toBe('【浙江政务服务网】预防接种证可领取，取件码83920174，地点：杭州市民之家，请带身份证在办公时间前往。');
    expect(sms.text.length).toBeLessThanOrEqual(70);
    expect(shortPlaceName('义乌市行政服务中心（金华市义乌市行政服务中心出生“一件事”联办窗口）')).toBe('义乌市行政服务中心');
  });

  test('When a place has no short form that fits, then the SMS points to the app instead of running to two segments', () => {
    const sms = smsFor(
      'item_ready_for_pickup',
      { place: '浙江省温州市瑞安市安阳街道万松东路二百八十八号行政服务中心东侧附楼一层', pickupCode: 'A1B2C3D4E5' },
      'social_security_card',
      '浙江政务服务网',
    )!;
    expect(sms.text.length).toBeLessThanOrEqual(70);
    expect(sms.text).toContain('取件码A1B2C3D4E5');
    expect(sms.text).toContain('地点：见我的申请');
  });

  test('When an item is shipped, then an SMS with the carrier and the whole tracking number goes out', () => {
    const sms = smsFor(
      'item_shipped',
      { itemName: '出生户口登记', carrier: '中国邮政速递物流', trackingNumber: 'SF1428035619744' },
      'hukou_registration',
      '浙江政务服务网',
    )!;
    expect(sms.text).toContain('SF1428035619744');
    expect(sms.text).toContain('中国邮政速递物流');
    expect(sms.text.length).toBeLessThanOrEqual(70);
  });

  test('When medical insurance is done, then the §6.3.3 prompt names the amount, the deadline and the 医保电子凭证 activation', () => {
    const sms = smsFor(
      'medical_insurance_payment',
      { amount: '400', deadline: '2026-05-30' },
      'medical_insurance',
      '出生一件事',
    )!;
    expect(sms.text).toBe('【出生一件事】宝宝已参保，请于2026年5月30日前缴纳医保费400元，并在浙里办激活宝宝医保电子凭证。');
    const inbox = renderNotice('medical_insurance_payment', { amount: '400', deadline: '2026-05-30' }, 'medical_insurance')!;
    expect(inbox.body).toContain('2026年5月30日');
    expect(inbox.body).toContain('400 元');
    expect(inbox.body).toContain('医保电子凭证');
  });

  test('When the whole application is done, then the notice says where the electronic certificates are (§6.4.3)', () => {
    const inbox = renderNotice('application_completed', { itemCount: '5' })!;
    expect(inbox.title).toBe('出生“一件事”已全部办结');
    expect(inbox.body).toMatch(/浙里办.*电子出生医学证明.*电子户口簿.*电子社保卡/);
    expect(smsFor('application_completed', {}, undefined, '出生一件事')!.text).toMatch(/浙里办/);
  });

  test('When Tencent positional variables are built, then they follow the order of the variables in the text', () => {
    const formats = createChannelFormats({
      push: { platform: 'dev' },
      sms: { vendor: 'tencent', signName: '出生一件事', templates: { 'item_ready_for_pickup.withCode': '2049001' } },
    });
    const message = formats.sms({
      deliveryKey: 'k',
      applicationId: 'a',
      template: 'item_ready_for_pickup',
      itemKey: 'birth_certificate',
      params: { itemName: '出生医学证明', place: '义乌市行政服务中心', pickupCode: '5521' },
      title: '',
      body: '',
    });
    expect(message).toEqual({ templateCode: '2049001', params: { '1': '出生医学证明', '2': '5521', '3': '义乌市行政服务中心' } });
    // A notice without an approved vendor template sends no SMS.
    expect(
      formats.sms({ deliveryKey: 'k', applicationId: 'a', template: 'item_accepted', params: {}, title: '', body: '' }),
    ).toBeNull();
  });

  test('The catalogue of SMS templates lists one text per template and variant, each with its variables in braces', () => {
    const catalogue = smsTemplateCatalogue();
    expect(new Set(catalogue.map((c) => c.template))).toEqual(new Set(NOTICE_TEMPLATES));
    expect(catalogue.map((c) => c.id)).toContain('item_ready_for_pickup.withCode');
  });
});

describe('WeChat subscribe-message data', () => {
  // A template using every keyword type, each fed by every notice field it could be mapped to.
  const types = ['thing', 'phrase', 'character_string', 'number', 'time', 'date', 'amount', 'letter', 'name'];
  const everyField: PushTemplate = {
    templateId: 'tpl',
    fields: Object.fromEntries(types.flatMap((type, i) => PUSH_FIELDS.map((field, j) => [`${type}${i * 100 + j + 1}`, field]))),
  };

  test('When any notice fills any keyword type, then every value keeps the type rule (no 47003)', () => {
    const problems: string[] = [];
    const now = new Date('2026-03-02T01:30:00Z');
    for (const c of CASES) {
      const data = pushData('wechat', c, everyField, now)!;
      for (const [keyword, value] of Object.entries(data)) {
        const problem = wechatValueProblem(wechatKeywordType(keyword), value);
        if (problem) problems.push(`${c.template} ${keyword}=${value}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('When values are fitted, then phrase is the short status, time is 24-hour China time and codes keep no Chinese', () => {
    const now = new Date('2026-03-02T01:30:00Z');
    const fields = noticePushFields(
      'item_ready_for_pickup',
      { itemName: '社会保障卡申领', placeShort: '杭州市民之家', pickupCode: '取件83920174', at: '2026-03-02T06:05:00Z' },
      'social_security_card',
    )!;
    expect(fitWechatValue('phrase', 'status', fields.status, now)).toBe('待领取');
    expect(fitWechatValue('time', 'time', fields.time, now)).toBe('2026年3月2日 14:05');
    expect(fitWechatValue('character_string', 'code', fields.code, now)).toBe('83920174');
    expect(fitWechatValue('thing', 'item', '城乡居民基本医疗保险参保登记及医保电子凭证激活提醒', now)).toHaveLength(20);
    expect(wechatValueProblem('thing', '一'.repeat(21))).toBeDefined();
    expect(wechatValueProblem('phrase', '已受理了吗呢')).toBeDefined();
    expect(wechatValueProblem('character_string', '取件码1')).toBeDefined();
  });
});

describe('inbox texts', () => {
  test('When any notice is rendered, then its title does not repeat its body, and nothing personal is in any channel', () => {
    for (const c of CASES) {
      const inbox = renderNotice(c.template, c.params, c.itemKey)!;
      expect(inbox.title.length).toBeGreaterThan(0);
      expect(inbox.body.length).toBeGreaterThan(0);
      expect(inbox.body).not.toContain(inbox.title);
      expect(inbox.title).not.toContain(inbox.body);
      // The body does not open with the title's words ("“出生医学证明”已受理 — “出生医学证明”已受理，…").
      expect(inbox.body.slice(0, 8)).not.toBe(inbox.title.slice(0, 8));
      const sms = noticeSms(c.template, c.params, c.itemKey)!;
      const texts = [inbox.title, inbox.body, sms.text, ...Object.values(sms.vars)];
      expect(findPersonalData(texts.join('\n'))).toEqual([]);
    }
  });

  test('When an item was picked up, then it reads 已领取, and only a mailed item reads 已签收', () => {
    const picked = renderNotice('item_delivered', { via: 'pickup' }, 'birth_certificate')!;
    expect(`${picked.title}${picked.body}`).not.toContain('签收');
    expect(picked.title).toContain('已领取');
    expect(smsFor('item_delivered', { via: 'pickup' }, 'birth_certificate', '出生一件事')!.text).not.toContain('签收');
    expect(renderNotice('item_delivered', { via: 'mail' }, 'birth_certificate')!.title).toContain('已签收');
  });

  test('When a notice template is unknown, then nothing is rendered', () => {
    expect(renderNotice('no_such_template', {})).toBeUndefined();
    expect(noticeSms('no_such_template', {})).toBeUndefined();
  });
});
