import fc from 'fast-check';
import { ApplicationInput, Delivery, Marriage, Newborn, Parent, formatZodIssues, toChinaDateString } from '@birth/shared';
import { FATHER_ID, HAN, MOTHER_ID, makeIdNumber, messagesAt, validApplication } from './support/fixtures';

function errorsOf(input: unknown) {
  const result = ApplicationInput.safeParse(input);
  expect(result.success).toBe(false);
  return result.success ? [] : formatZodIssues(result.error);
}

const DAY = 24 * 60 * 60 * 1000;

describe('ApplicationInput', () => {
  it('when everything is filled in correctly, then it parses and the nationality defaults to 中国', () => {
    const result = ApplicationInput.safeParse(validApplication());
    expect(result.success).toBe(true);
    if (result.success) expect(result.data.mother.nationality).toBe('中国');
  });

  it('when only the birth certificate is chosen with its delivery, then it parses', () => {
    const input = validApplication();
    input.items = ['birth_certificate'];
    input.delivery = { birth_certificate: { method: 'pickup', pickupPointId: 'hz-citizen-center' } };
    expect(ApplicationInput.safeParse(input).success).toBe(true);
  });

  it('when the body is empty, then every section is reported as missing, in Chinese', () => {
    const errors = errorsOf({});
    expect(errors.map((e) => e.path)).toEqual([
      'newborn',
      'mother',
      'father',
      'marriage',
      'household',
      'items',
      'delivery',
      'consents',
    ]);
    for (const e of errors) expect(e.message).toMatch(HAN);
  });

  it('when many fields are wrong at once, then every one of them is reported in one parse', () => {
    const input = validApplication();
    input.newborn.name = 'Tom';
    input.mother.phone = '12345';
    input.father.idNumber = '330106199007200110';
    input.marriage = { mode: 'number' };
    input.household.householdAddress = '杭州';
    input.delivery.hukou_registration.regionCode = '110101';
    input.consents.truthfulnessPledge = false;
    input.surprise = 1;
    const paths = errorsOf(input).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'newborn.name',
        'mother.phone',
        'father.idNumber',
        'marriage.certificateNumber',
        'household.householdAddress',
        'delivery.hukou_registration.regionCode',
        'consents.truthfulnessPledge',
        'surprise',
      ]),
    );
  });

  it('when fields fail and the parents are swapped, then the cross-field rules still report too', () => {
    const input = validApplication();
    input.newborn.name = '';
    input.mother.idNumber = FATHER_ID;
    input.father.idNumber = MOTHER_ID;
    const errors = errorsOf(input);
    expect(messagesAt(errors, 'newborn.name')).toEqual(['请填写新生儿姓名。']);
    expect(messagesAt(errors, 'mother.idNumber')[0]).toContain('男性');
    expect(messagesAt(errors, 'father.idNumber')[0]).toContain('女性');
  });

  it('when a field is empty, then it gets exactly one message, not one per rule', () => {
    const input = validApplication();
    input.household.householdHeadName = '   ';
    expect(messagesAt(errorsOf(input), 'household.householdHeadName')).toEqual(['请填写户主姓名。']);
  });

  it('when both parents give the same ID number, then the father’s is flagged', () => {
    const input = validApplication();
    const femaleId = makeIdNumber('330102', '19900101', '002');
    input.mother.idNumber = femaleId;
    input.father.idNumber = femaleId;
    const errors = errorsOf(input);
    expect(messagesAt(errors, 'father.idNumber')).toEqual(expect.arrayContaining([expect.stringContaining('身份证号码相同')]));
  });

  it('when the ID number fails its checksum, then the reason names the parent', () => {
    const input = validApplication();
    input.mother.idNumber = `${MOTHER_ID.slice(0, 17)}${MOTHER_ID[17] === '0' ? '1' : '0'}`;
    expect(messagesAt(errorsOf(input), 'mother.idNumber')).toEqual([
      '母亲的身份证号码校验不通过，可能有数字输错，请对照身份证逐位核对。',
    ]);
  });

  it('when a parent uses another kind of ID, then it is refused for now with a way forward', () => {
    const input = validApplication();
    input.father.idType = 'passport';
    input.father.idNumber = 'E12345678';
    const [message] = messagesAt(errorsOf(input), 'father.idType');
    expect(message).toContain('居民身份证');
    expect(message).toContain('窗口');
  });

  it('when the newborn would be born before a parent, then the birth time is flagged', () => {
    const input = validApplication();
    // A father born today (China date), a newborn born yesterday.
    const today = toChinaDateString(new Date()).replace(/-/g, '');
    input.father.idNumber = makeIdNumber('330106', today, '011');
    input.newborn.birthDateTime = new Date(Date.now() - DAY).toISOString();
    expect(messagesAt(errorsOf(input), 'newborn.birthDateTime')).toEqual([expect.stringContaining('父亲')]);
  });

  it('when the birth time is in the future or more than a year ago, then the parent is told what to do', () => {
    const future = validApplication();
    future.newborn.birthDateTime = new Date(Date.now() + 2 * DAY).toISOString();
    expect(messagesAt(errorsOf(future), 'newborn.birthDateTime')[0]).toContain('晚于现在');
    const old = validApplication();
    old.newborn.birthDateTime = new Date(Date.now() - 400 * DAY).toISOString();
    expect(messagesAt(errorsOf(old), 'newborn.birthDateTime')[0]).toContain('窗口办理');
  });

  it('when the birth time has no offset, then it is refused', () => {
    const input = validApplication();
    input.newborn.birthDateTime = '2025-03-01T08:30:00';
    expect(messagesAt(errorsOf(input), 'newborn.birthDateTime')[0]).toContain('出生时间');
  });

  it('when a prerequisite item is not chosen, then items reports it and names it', () => {
    const input = validApplication();
    input.items = ['birth_certificate', 'social_security_card'];
    input.delivery = {
      birth_certificate: input.delivery.birth_certificate,
      social_security_card: input.delivery.social_security_card,
    };
    const [message] = messagesAt(errorsOf(input), 'items');
    expect(message).toContain('城乡居民参保登记');
    expect(message).toContain('出生户口登记');
  });

  it('when items are empty or duplicated, then items is reported', () => {
    const empty = validApplication();
    empty.items = [];
    expect(messagesAt(errorsOf(empty), 'items').length).toBeGreaterThan(0);
    const twice = validApplication();
    twice.items = [...twice.items, 'birth_certificate'];
    expect(messagesAt(errorsOf(twice), 'items').join('')).toContain('重复');
  });

  it('when a chosen physical item has no delivery, then that item’s delivery is asked for', () => {
    const input = validApplication();
    delete input.delivery.vaccination_certificate;
    expect(messagesAt(errorsOf(input), 'delivery.vaccination_certificate')).toEqual([
      '请选择“预防接种证”的领取方式：邮寄或自取。',
    ]);
  });

  it('when a delivery is given for medical insurance or an item not chosen, then it is refused', () => {
    const input = validApplication();
    input.items = ['birth_certificate'];
    input.delivery = {
      birth_certificate: input.delivery.birth_certificate,
      hukou_registration: input.delivery.hukou_registration,
      medical_insurance: { method: 'pickup', pickupPointId: 'x' },
    };
    const errors = errorsOf(input);
    expect(messagesAt(errors, 'delivery.medical_insurance')[0]).toContain('没有实体证件');
    expect(messagesAt(errors, 'delivery.hukou_registration')[0]).toContain('没有选择办理');
  });

  it('when a delivery key is unknown, then it is reported at its own path', () => {
    const input = validApplication();
    input.delivery.passport = { method: 'pickup', pickupPointId: 'x' };
    expect(errorsOf(input).some((e) => e.path.startsWith('delivery') && e.message.includes('passport'))).toBe(true);
  });

  it('when a consent is missing or false, then its own message explains it', () => {
    const input = validApplication();
    input.consents.shareWithDepartments = false;
    delete input.consents.guardianForChild;
    const errors = errorsOf(input);
    expect(messagesAt(errors, 'consents.shareWithDepartments')[0]).toContain('共享');
    expect(messagesAt(errors, 'consents.guardianForChild')[0]).toContain('监护人');
  });

  it('when phone numbers are typed with spaces or dashes, then they are accepted and cleaned', () => {
    const input = validApplication();
    input.mother.phone = '138 1234-5678';
    const result = ApplicationInput.safeParse(input);
    expect(result.success).toBe(true);
    if (result.success) expect(result.data.mother.phone).toBe('13812345678');
  });

  it('when the ID number ends with a lowercase x, then it is accepted and stored with X', () => {
    const input = validApplication();
    const withX = (() => {
      for (let seq = 0; seq < 1000; seq += 2) {
        const id = makeIdNumber('330102', '19920315', String(seq).padStart(3, '0'));
        if (id.endsWith('X')) return id;
      }
      throw new Error('no X');
    })();
    input.mother.idNumber = withX.toLowerCase();
    const result = ApplicationInput.safeParse(input);
    expect(result.success).toBe(true);
    if (result.success) expect(result.data.mother.idNumber).toBe(withX);
  });

  it('when anything at all is parsed, then every message that comes out is Chinese', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const result = ApplicationInput.safeParse(input);
        if (!result.success) {
          for (const issue of result.error.issues) expect(issue.message).toMatch(HAN);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('when sections are replaced by random values, then every raw message is Chinese and paths stay in the body', () => {
    const sections = ['newborn', 'mother', 'father', 'marriage', 'household', 'items', 'delivery', 'consents'];
    fc.assert(
      fc.property(fc.constantFrom(...sections), fc.anything(), (section, value) => {
        const input = validApplication();
        input[section] = value;
        const result = ApplicationInput.safeParse(input);
        if (!result.success) {
          for (const issue of result.error.issues) expect(issue.message).toMatch(HAN);
          for (const e of formatZodIssues(result.error))
            expect(e.path === '' || sections.includes(e.path.split('.')[0])).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('section schemas', () => {
  it('when a newborn name contains a look-alike dot, then it is unified to ·', () => {
    const result = Newborn.safeParse({ ...validApplication().newborn, name: '阿依•古丽' });
    expect(result.success).toBe(true);
    if (result.success) expect(result.data.name).toBe('阿依·古丽');
  });

  it('when a newborn name is one character, then it is too short', () => {
    const result = Newborn.safeParse({ ...validApplication().newborn, name: '禾' });
    expect(result.success).toBe(false);
  });

  it('when a parent is parsed alone, then messages do not name a role', () => {
    const result = Parent.safeParse({ ...validApplication().mother, idNumber: '123' });
    expect(result.success).toBe(false);
    if (!result.success) expect(formatZodIssues(result.error)[0].message).toMatch(/^身份证号码应为18位/);
  });

  it('when the marriage certificate number is to be typed but missing, then it is asked for', () => {
    expect(Marriage.safeParse({ mode: 'number' }).success).toBe(false);
    expect(Marriage.safeParse({ mode: 'number', certificateNumber: 'J330102-2015-000123' }).success).toBe(true);
    expect(Marriage.safeParse({ mode: 'shared_record' }).success).toBe(true);
  });

  it('when a mail address is outside Zhejiang, then the parent is told to use a Zhejiang address or pickup', () => {
    const result = Delivery.safeParse({
      method: 'mail',
      recipient: '王建国',
      phone: '13998765432',
      regionCode: '310101',
      addressDetail: '南京东路100号',
    });
    expect(result.success).toBe(false);
    if (!result.success)
      expect(formatZodIssues(result.error)).toEqual([{ path: 'regionCode', message: expect.stringContaining('浙江省内') }]);
  });

  it('when the delivery method is unknown, then the parent is asked to choose mail or pickup', () => {
    const result = Delivery.safeParse({ method: 'drone' });
    expect(result.success).toBe(false);
    if (!result.success) expect(formatZodIssues(result.error)[0].message).toBe('请选择证件领取方式：邮寄或自取。');
  });

  it('when a pickup carries mail fields, then the unknown keys are refused (strict)', () => {
    const result = Delivery.safeParse({ method: 'pickup', pickupPointId: 'x', recipient: '王建国' });
    expect(result.success).toBe(false);
  });
});
