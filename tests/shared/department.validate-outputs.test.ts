import { validateOutputs } from '@birth/shared';
import { makeIdNumber } from './support/fixtures';

const NOW = new Date('2025-06-01T12:00:00+08:00');
const NEWBORN_ID = makeIdNumber('330106', '20250520', '012'); // even sequence digit: female

describe('validateOutputs', () => {
  it('when the hukou registration is completed with both outputs, then nothing is wrong', () => {
    expect(
      validateOutputs('hukou_registration', { newbornIdNumber: NEWBORN_ID, hukouBookletNumber: '330106001234' }, { now: NOW }),
    ).toEqual([]);
  });

  it('when an output is missing and an unknown one is sent, then both are reported', () => {
    const errors = validateOutputs('hukou_registration', { newbornIdNumber: NEWBORN_ID, cardNumber: 'x' }, { now: NOW });
    expect(errors.map((e) => e.path).sort()).toEqual(['outputs.cardNumber', 'outputs.hukouBookletNumber']);
  });

  it('when the newborn ID number fails its checksum, then it is reported', () => {
    const bad = `${NEWBORN_ID.slice(0, 17)}${NEWBORN_ID[17] === '1' ? '2' : '1'}`;
    expect(validateOutputs('hukou_registration', { newbornIdNumber: bad, hukouBookletNumber: '1' }, { now: NOW })).toEqual([
      { path: 'outputs.newbornIdNumber', message: expect.stringContaining('新生儿身份证号码') },
    ]);
  });

  it('when the newborn ID number disagrees with the application’s birth date or sex, then it is reported', () => {
    const errors = validateOutputs(
      'hukou_registration',
      { newbornIdNumber: NEWBORN_ID, hukouBookletNumber: '1' },
      { now: NOW, newbornBirthDate: '2025-05-19T23:30:00+08:00', newbornSex: 'male' },
    );
    expect(errors).toHaveLength(2);
    expect(errors[0].message).toContain('2025-05-19');
    expect(errors[1].message).toContain('性别');
  });

  it('when the birth time is given in UTC, then the China date is compared', () => {
    // 2025-05-19T16:30Z is 2025-05-20 00:30 in China.
    expect(
      validateOutputs(
        'hukou_registration',
        { newbornIdNumber: NEWBORN_ID, hukouBookletNumber: '1' },
        { now: NOW, newbornBirthDate: '2025-05-19T16:30:00Z', newbornSex: 'female' },
      ),
    ).toEqual([]);
  });

  it('when other items are completed, then they need exactly their own output', () => {
    expect(validateOutputs('birth_certificate', { certificateNumber: 'Q330123456' })).toEqual([]);
    expect(validateOutputs('medical_insurance', { insuranceNumber: '33000012345' })).toEqual([]);
    expect(validateOutputs('social_security_card', { cardNumber: '' })).toEqual([
      { path: 'outputs.cardNumber', message: expect.stringContaining('cardNumber') },
    ]);
    expect(validateOutputs('vaccination_certificate', { certificateNumber: 'V1', newbornIdNumber: NEWBORN_ID })).toHaveLength(1);
  });

  it('when outputs are not an object or the item is unknown, then it says so instead of throwing', () => {
    expect(validateOutputs('birth_certificate', null)).toEqual([{ path: 'outputs', message: expect.any(String) }]);
    expect(validateOutputs('passport' as never, {})).toHaveLength(1);
  });
});
