import fc from 'fast-check';
import { maskIdNumber, maskName, maskPhone } from '@birth/shared';

describe('maskIdNumber', () => {
  it('when given an 18-character ID, then the first 6 and last 4 stay', () => {
    expect(maskIdNumber('330102199001011234')).toBe('330102********1234');
    expect(maskIdNumber('33010219900101123X')).toBe('330102********123X');
  });

  it('when given something shorter, then only the first and last character stay', () => {
    expect(maskIdNumber('330102900101123')).toBe('3*************3');
    expect(maskIdNumber('abc')).toBe('a*c');
  });

  it('when given one or two characters, then nothing is revealed', () => {
    expect(maskIdNumber('1')).toBe('*');
    expect(maskIdNumber('12')).toBe('**');
  });

  it('when given nothing usable, then it answers an empty string instead of throwing', () => {
    for (const input of ['', null, undefined, 123, {}, []]) expect(maskIdNumber(input)).toBe('');
  });
});

describe('maskPhone', () => {
  it('when given an 11-digit mobile, then the first 3 and last 4 stay', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('when given a short number, then only its ends stay', () => {
    expect(maskPhone('12345')).toBe('1***5');
    expect(maskPhone('')).toBe('');
    expect(maskPhone(undefined)).toBe('');
  });
});

describe('maskName', () => {
  it('when given a Chinese name, then the first character stays and each other becomes a star', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳小明')).toBe('欧***');
    expect(maskName('阿卜杜拉·买买提')).toBe('阿*******');
  });

  it('when given a one-character name, then it is hidden', () => {
    expect(maskName('张')).toBe('*');
  });

  it('when the name has a character outside the BMP, then it counts as one character', () => {
    expect(maskName('𠮷野家')).toBe('𠮷**');
  });

  it('when given nothing usable, then it answers an empty string', () => {
    expect(maskName(null)).toBe('');
    expect(maskName('')).toBe('');
  });
});

describe('masking (properties)', () => {
  /** Every visible character is at an allowed position and equal to the input there. */
  function revealsOnly(input: string, output: string, head: number, tail: number): void {
    const source = Array.from(input.trim());
    const masked = Array.from(output);
    expect(masked).toHaveLength(source.length);
    masked.forEach((char, i) => {
      if (char === '*') return;
      expect(i < head || i >= source.length - tail).toBe(true);
      expect(char).toBe(source[i]);
    });
  }
  const noStars = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((s) => !s.includes('*'));

  it('when any string is masked as an ID, then at most the first 6 and last 4 characters show', () => {
    fc.assert(
      fc.property(noStars, (s) => {
        const out = maskIdNumber(s);
        revealsOnly(s, out, 6, 4);
        if (Array.from(s.trim()).length < 18) revealsOnly(s, out, 1, 1);
      }),
    );
  });

  it('when a generated 18-digit ID is masked, then exactly 8 stars hide the birth date and sequence', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}[\dX]$/), (id) => {
        const out = maskIdNumber(id);
        expect(out).toBe(`${id.slice(0, 6)}********${id.slice(14)}`);
        expect(out).not.toContain(id.slice(6, 14));
      }),
    );
  });

  it('when any string is masked as a phone, then at most the first 3 and last 4 characters show', () => {
    fc.assert(fc.property(noStars, (s) => revealsOnly(s, maskPhone(s), 3, 4)));
  });

  it('when any string is masked as a name, then at most the first character shows', () => {
    fc.assert(fc.property(noStars, (s) => revealsOnly(s, maskName(s), 1, 0)));
  });

  it('when anything at all is masked, then nothing throws', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(typeof maskIdNumber(value)).toBe('string');
        expect(typeof maskPhone(value)).toBe('string');
        expect(typeof maskName(value)).toBe('string');
      }),
    );
  });
});
