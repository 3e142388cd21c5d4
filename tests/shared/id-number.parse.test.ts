import fc from 'fast-check';
import { idNumberCheckDigit, isValidIdNumber, isValidMainlandPhone, parseIdNumber } from '@birth/shared';
import { HAN, makeIdNumber } from './support/fixtures';

const NOW = new Date('2025-06-01T00:00:00+08:00');

describe('idNumberCheckDigit', () => {
  it('when given the GB 11643-1999 example, then it computes its check character X', () => {
    // The standard's own example: 11010519491231002X.
    expect(idNumberCheckDigit('11010519491231002')).toBe('X');
  });

  it('when given something other than 17 digits, then it throws', () => {
    expect(() => idNumberCheckDigit('1234')).toThrow(RangeError);
  });
});

describe('parseIdNumber', () => {
  it('when the number is valid, then birth date, sex and region come back', () => {
    expect(parseIdNumber('11010519491231002X', NOW)).toEqual({
      ok: true,
      idNumber: '11010519491231002X',
      birthDate: '1949-12-31',
      sex: 'female',
      regionCode: '110105',
    });
    const male = makeIdNumber('330102', '19900101', '123');
    expect(parseIdNumber(male, NOW)).toMatchObject({ ok: true, sex: 'male', birthDate: '1990-01-01' });
  });

  it('when the final x is lowercase or the number has spaces around it, then it is normalised', () => {
    expect(parseIdNumber(' 11010519491231002x ', NOW)).toMatchObject({ ok: true, idNumber: '11010519491231002X' });
  });

  it('when the number has the wrong length, then the reason says how many digits it has', () => {
    const result = parseIdNumber('3301021990010112', NOW);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('16位') });
  });

  it('when the number contains letters, then the reason says which characters are allowed', () => {
    expect(parseIdNumber('33010219900101A234', NOW)).toEqual({ ok: false, reason: expect.stringContaining('数字') });
  });

  it('when the region code starts with 0, then it is refused', () => {
    expect(parseIdNumber(makeIdNumber('030102', '19900101', '123'), NOW)).toEqual({
      ok: false,
      reason: expect.stringContaining('地区码'),
    });
  });

  it('when the birth date does not exist, then it is refused', () => {
    for (const date of ['19900230', '19901301', '20230229']) {
      expect(parseIdNumber(makeIdNumber('330102', date, '123'), NOW)).toEqual({
        ok: false,
        reason: expect.stringContaining('出生日期'),
      });
    }
    expect(parseIdNumber(makeIdNumber('330102', '20240229', '123'), NOW).ok).toBe(true);
  });

  it('when the birth date is in the future or before 1900, then it is refused', () => {
    expect(parseIdNumber(makeIdNumber('330102', '20250602', '123'), NOW)).toEqual({
      ok: false,
      reason: expect.stringContaining('晚于今天'),
    });
    expect(parseIdNumber(makeIdNumber('330102', '18991231', '123'), NOW)).toEqual({
      ok: false,
      reason: expect.stringContaining('1900'),
    });
  });

  it('when the birth date is today in China although still yesterday in UTC, then it is accepted', () => {
    const earlyMorningInChina = new Date('2025-06-01T00:30:00+08:00');
    expect(parseIdNumber(makeIdNumber('330102', '20250601', '123'), earlyMorningInChina).ok).toBe(true);
  });

  it('when the check digit is wrong, then the reason asks to check digit by digit', () => {
    expect(parseIdNumber('110105194912310021', NOW)).toEqual({ ok: false, reason: expect.stringContaining('逐位核对') });
  });

  it('when the input is empty or not a string, then the parent is asked to fill it in', () => {
    for (const input of ['', '   ', undefined, null, 42]) {
      const result = parseIdNumber(input, NOW);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(HAN);
    }
  });
});

describe('isValidMainlandPhone', () => {
  it('when the number is an 11-digit mobile starting 13–19, then it is valid', () => {
    expect(isValidMainlandPhone('13812345678')).toBe(true);
    expect(isValidMainlandPhone('19912345678')).toBe(true);
  });

  it('when the number is a landline, too short, or starts with 12, then it is not', () => {
    for (const phone of ['12812345678', '1381234567', '138123456789', '057188888888', '+8613812345678', 13812345678]) {
      expect(isValidMainlandPhone(phone)).toBe(false);
    }
  });
});

describe('ID number checksum (properties)', () => {
  const digit = fc.integer({ min: 0, max: 9 });
  const region = fc
    .tuple(fc.integer({ min: 1, max: 9 }), fc.array(digit, { minLength: 5, maxLength: 5 }))
    .map(([first, rest]) => `${first}${rest.join('')}`);
  const birth = fc
    .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2025-05-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10).replace(/-/g, ''));
  const sequence = fc.array(digit, { minLength: 3, maxLength: 3 }).map((d) => d.join(''));
  const validId = fc.tuple(region, birth, sequence).map(([r, b, s]) => makeIdNumber(r, b, s));

  it('when an ID is generated with its check digit, then it validates with the right birth date and sex', () => {
    fc.assert(
      fc.property(validId, (id) => {
        const parsed = parseIdNumber(id, NOW);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) {
          expect(parsed.birthDate.replace(/-/g, '')).toBe(id.slice(6, 14));
          expect(parsed.sex).toBe(Number(id[16]) % 2 === 1 ? 'male' : 'female');
          expect(isValidIdNumber(id.toLowerCase(), NOW)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('when any one of the first 17 digits is changed, then the number fails', () => {
    fc.assert(
      fc.property(validId, fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (id, position, delta) => {
        const changed = String((Number(id[position]) + delta) % 10);
        const mutated = id.slice(0, position) + changed + id.slice(position + 1);
        expect(isValidIdNumber(mutated, NOW)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('when the check character is replaced by another, then the number fails', () => {
    fc.assert(
      fc.property(validId, fc.constantFrom(...'0123456789X'), (id, check) => {
        fc.pre(check !== id[17]);
        expect(isValidIdNumber(id.slice(0, 17) + check, NOW)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('when two adjacent different digits are swapped, then the number fails', () => {
    fc.assert(
      fc.property(validId, fc.integer({ min: 0, max: 15 }), (id, i) => {
        fc.pre(id[i] !== id[i + 1]);
        const swapped = id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2);
        expect(isValidIdNumber(swapped, NOW)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('when anything at all is parsed, then it never throws and failures explain in Chinese', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const result = parseIdNumber(input, NOW);
        if (!result.ok) expect(result.reason).toMatch(HAN);
      }),
    );
  });
});
