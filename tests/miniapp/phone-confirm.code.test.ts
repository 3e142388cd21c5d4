// What the code input of 接收短信提醒 keeps, and the resend countdown: pure rules, no Taro.
import fc from 'fast-check';
import { CODE_LENGTH, RESEND_SECONDS, codeDigits, secondsUntil } from '../../miniapp/src/utils/phone-confirm';

describe('codeDigits', () => {
  test('when a code is pasted with spaces or dashes, then only its six digits are kept', () => {
    expect(codeDigits('123 456')).toBe('123456');
    expect(codeDigits('12-34-56')).toBe('123456');
  });

  test('when a Chinese keyboard types full-width digits, then they count as digits', () => {
    expect(codeDigits('１２３４５６')).toBe('123456');
  });

  test('when more than six digits arrive (the whole SMS pasted), then the first six are kept', () => {
    expect(codeDigits('验证码1234567')).toBe('123456');
  });

  test('whatever is typed, then the result is at most six ASCII digits', () => {
    fc.assert(
      fc.property(fc.string(), (typed) => {
        const kept = codeDigits(typed);
        expect(kept).toMatch(/^\d*$/);
        expect(kept.length).toBeLessThanOrEqual(CODE_LENGTH);
      }),
    );
  });
});

describe('secondsUntil', () => {
  const sent = Date.UTC(2026, 10, 30, 8, 0, 0);

  test('when the code was just sent, then the countdown starts at 60 seconds', () => {
    expect(secondsUntil(sent + RESEND_SECONDS * 1000, sent)).toBe(60);
  });

  test('when part of a second is left, then it still shows as a whole second', () => {
    expect(secondsUntil(sent + 1000, sent + 1)).toBe(1);
  });

  test('when the time has passed, then it is zero and never negative', () => {
    expect(secondsUntil(sent, sent)).toBe(0);
    expect(secondsUntil(sent, sent + 5000)).toBe(0);
  });
});
