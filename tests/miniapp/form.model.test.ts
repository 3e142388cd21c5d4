// The application form's rules: prefill, per-step checks by the shared schemas, what a PATCH carries,
// where the BFF's errors go, and which fields a correction shows.
import { CONSENT_KEYS, ITEM_KEYS } from '@birth/shared';
import {
  changes,
  checkField,
  correctionPlan,
  errorsFromServer,
  firstIncompleteStep,
  joinChinaDateTime,
  prefill,
  pruneDelivery,
  splitChinaDateTime,
  validateStep,
} from '../../miniapp/src/form/model';
import { FIELDS } from '../../miniapp/src/form/fields';
import { validApplication } from '../support/fixtures';

describe('prefill', () => {
  test('When the form starts, then all five items are chosen, defaults are set and no consent is ticked', () => {
    const values = prefill({});
    expect(values.items).toEqual([...ITEM_KEYS]);
    expect(values).toMatchObject({
      newborn: { ethnicity: '汉族' },
      mother: { idType: 'resident_id', nationality: '中国', ethnicity: '汉族' },
      father: { idType: 'resident_id', nationality: '中国' },
      marriage: { mode: 'shared_record' },
    });
    for (const key of CONSENT_KEYS) expect((values.consents as Record<string, boolean>)[key]).toBe(false);
  });

  test('When the parents choose to register with the father, then the head of household and the relationship come from what they typed', () => {
    const values = prefill({
      newborn: { sex: 'male' },
      father: { name: '王建国' },
      household: { registerWith: 'father' },
    });
    expect(values.household).toMatchObject({ householdHeadName: '王建国', relationshipToHead: '子' });
  });

  test('When the head of household is someone else, then the relationship is left to the parent', () => {
    const values = prefill({
      newborn: { sex: 'female' },
      father: { name: '王建国' },
      household: { registerWith: 'father', householdHeadName: '王大山' },
    });
    expect((values.household as Record<string, unknown>).relationshipToHead).toBeUndefined();
  });

  test('When something was typed, then prefill never overwrites it', () => {
    expect(prefill({ newborn: { ethnicity: '回族' } }).newborn).toMatchObject({ ethnicity: '回族' });
  });
});

describe('validateStep', () => {
  test('When the newborn step is empty, then every missing field is reported at once, in Chinese, and nothing of other steps', () => {
    const errors = validateStep(prefill({}), 'newborn');
    expect(Object.keys(errors).sort()).toEqual(['newborn.birthDateTime', 'newborn.hospitalId', 'newborn.name', 'newborn.sex']);
    expect(errors['newborn.name']).toBe('请填写新生儿姓名。');
  });

  test('When a complete application is checked step by step, then no step has an error', () => {
    const input = validApplication();
    for (const step of ['newborn', 'mother', 'father', 'household', 'items', 'delivery', 'consents'] as const) {
      expect(validateStep(input, step)).toEqual({});
    }
  });

  test('When the mother and father ID numbers are swapped, then the mother step says so', () => {
    const input = validApplication();
    [input.mother.idNumber, input.father.idNumber] = [input.father.idNumber, input.mother.idNumber];
    expect(validateStep(input, 'mother')['mother.idNumber']).toContain('填反');
  });

  test('When an ID number is on file (masked by the BFF), then it counts as given and is not called a typo', () => {
    const input = validApplication();
    input.mother.idNumber = '330102********0022';
    input.mother.phone = '138****5678';
    expect(validateStep(input, 'mother')).toEqual({});
  });

  test('When a chosen item has no delivery, then the delivery step names that item', () => {
    const input = validApplication();
    delete input.delivery.social_security_card;
    expect(validateStep(input, 'delivery')['delivery.social_security_card']).toContain('社会保障卡申领');
  });

  test('When no consent is ticked, then each of the five has its own message', () => {
    const errors = validateStep(prefill({}), 'consents');
    expect(Object.keys(errors)).toHaveLength(5);
  });
});

describe('firstIncompleteStep', () => {
  test('When a draft is resumed, then it opens at the first screen still lacking something, or the review', () => {
    expect(firstIncompleteStep(prefill({}))).toBe('newborn');
    const input = validApplication();
    input.consents = { sensitiveInfo: true };
    expect(firstIncompleteStep(input)).toBe('consents');
    delete input.father.phone;
    expect(firstIncompleteStep(input)).toBe('father');
    expect(firstIncompleteStep(validApplication())).toBe('review');
  });
});

describe('checkField', () => {
  test('When a parent leaves a field with a bad value, then its format message shows; an empty field stays quiet', () => {
    expect(checkField({ mother: { phone: '12345' } }, 'mother.phone')).toContain('手机号码');
    expect(checkField({ mother: { idNumber: '330102199203150000' } }, 'mother.idNumber')).toMatch(/身份证号码/);
    expect(checkField({ mother: {} }, 'mother.phone')).toBeUndefined();
    expect(checkField({ mother: { phone: '138 1234 5678' } }, 'mother.phone')).toBeUndefined();
  });
});

describe('changes', () => {
  test('When one field changed, then the PATCH carries that field only', () => {
    const before = { newborn: { name: '王小禾', sex: 'female' }, items: ['birth_certificate'] };
    const after = { newborn: { name: '王小米', sex: 'female' }, items: ['birth_certificate'] };
    expect(changes(before, after)).toEqual({ newborn: { name: '王小米' } });
  });

  test('When a value is masked, then it is never sent back (the BFF keeps the number it has)', () => {
    const before = { mother: { idNumber: '330102********0022', name: '李晓红' } };
    expect(changes(before, { mother: { idNumber: '330102********0022', name: '李红' } })).toEqual({ mother: { name: '李红' } });
  });

  test('When a delivery switches from mail to pickup, then the mail fields are removed with null', () => {
    const before = { delivery: { birth_certificate: { method: 'mail', recipient: '李晓红', phone: '138****5678' } } };
    const after = { delivery: { birth_certificate: { method: 'pickup', pickupPointId: 'hz-citizen-center' } } };
    expect(changes(before, after)).toEqual({
      delivery: { birth_certificate: { method: 'pickup', recipient: null, phone: null, pickupPointId: 'hz-citizen-center' } },
    });
  });

  test('When an item is dropped, then its delivery is pruned before saving', () => {
    const values = pruneDelivery({
      items: ['birth_certificate'],
      delivery: { birth_certificate: { method: 'pickup' }, social_security_card: { method: 'pickup' } },
    });
    expect(Object.keys(values.delivery as object)).toEqual(['birth_certificate']);
  });
});

describe('errorsFromServer', () => {
  test('When the BFF lists errors of several steps, then all are kept and the parent is taken to the earliest step', () => {
    const { fieldErrors, firstStep } = errorsFromServer([
      { path: 'consents.notifications', message: 'a' },
      { path: 'father.phone', message: 'b' },
      { path: 'delivery.birth_certificate.regionCode', message: 'c' },
    ]);
    expect(firstStep).toBe('father');
    expect(Object.keys(fieldErrors)).toHaveLength(3);
  });
});

describe('correctionPlan', () => {
  test('When the reasons point at two household fields, then exactly those two are shown', () => {
    const plan = correctionPlan('hukou_registration', [
      { field: 'household.householdAddress', message: 'x' },
      { field: 'household.relationshipToHead', message: 'y' },
    ]);
    expect(plan).toEqual({ fields: ['household.householdAddress', 'household.relationshipToHead'], deliveries: [], photos: [] });
  });

  test('When a reason names a whole parent, a photo or a delivery, then that section, that photo, that delivery', () => {
    const plan = correctionPlan('birth_certificate', [
      { field: 'mother', message: 'x' },
      { field: 'attachments.mother_id_front', message: 'blurred' },
      { field: 'delivery', message: 'address' },
    ]);
    expect(plan.fields).toEqual(['mother.name', 'mother.idNumber', 'mother.phone', 'mother.ethnicity']);
    expect(plan.photos).toEqual(['mother_id_front']);
    expect(plan.deliveries).toEqual(['birth_certificate']);
  });

  test('When a marriage certificate number is wrong, then its mode is shown with it', () => {
    expect(correctionPlan('hukou_registration', [{ field: 'marriage.certificateNumber', message: 'x' }]).fields).toEqual([
      'marriage.mode',
      'marriage.certificateNumber',
    ]);
  });

  test('When no reason names a field, then what the item needs is shown', () => {
    const plan = correctionPlan('hukou_registration', [{ message: '信息有误' }]);
    expect(plan.fields).toContain('household.householdAddress');
    expect(plan.fields).toContain('father.idNumber');
    expect(plan.fields).not.toContain('newborn.name');
  });
});

describe('birth date and time', () => {
  test('When a time is split and joined in China time, then it is the same instant', () => {
    const parts = splitChinaDateTime('2026-11-27T22:30:00.000Z');
    expect(parts).toEqual({ date: '2026-11-28', time: '06:30' });
    expect(Date.parse(joinChinaDateTime(parts.date, parts.time) as string)).toBe(Date.parse('2026-11-27T22:30:00.000Z'));
    expect(joinChinaDateTime('2026-11-28', undefined)).toBeUndefined();
  });
});

describe('the README counts', () => {
  test('When the field table changes, then the README count of typed fields (8 in the form, +1 street address for mail) stays true', () => {
    const always = FIELDS.filter((f) => f.typed && !f.when);
    // Each parent's name, ID number and phone are listed once per parent.
    expect(always.map((f) => f.path)).toEqual([
      'newborn.name',
      'mother.name',
      'mother.idNumber',
      'mother.phone',
      'father.name',
      'father.idNumber',
      'father.phone',
      'household.householdAddress',
    ]);
  });
});
