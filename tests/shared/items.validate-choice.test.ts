import { validateItemChoice } from '@birth/shared';
import { HAN } from './support/fixtures';

describe('validateItemChoice', () => {
  it('when all five items are chosen, then there is nothing to say', () => {
    expect(
      validateItemChoice([
        'birth_certificate',
        'vaccination_certificate',
        'hukou_registration',
        'medical_insurance',
        'social_security_card',
      ]),
    ).toEqual([]);
  });

  it('when only the birth certificate is chosen, then that is fine', () => {
    expect(validateItemChoice(['birth_certificate'])).toEqual([]);
  });

  it('when nothing is chosen, then the parent is asked to choose, naming the birth certificate', () => {
    const [message] = validateItemChoice([]);
    expect(message).toContain('出生医学证明');
  });

  it('when the birth certificate is missing, then the message says it must be chosen', () => {
    const messages = validateItemChoice(['vaccination_certificate']);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('必须选择');
    expect(messages[0]).toContain('出生医学证明');
  });

  it('when medical insurance is chosen without hukou, then the message names the missing prerequisite and why', () => {
    const messages = validateItemChoice(['birth_certificate', 'medical_insurance']);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('“城乡居民参保登记”');
    expect(messages[0]).toContain('“出生户口登记”');
    expect(messages[0]).toContain('身份证号');
  });

  it('when the social security card is chosen alone, then every missing prerequisite is named at once', () => {
    const messages = validateItemChoice(['birth_certificate', 'social_security_card']);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('“出生户口登记”、“城乡居民参保登记”');
  });

  it('when an item is chosen twice or an unknown key is sent, then both are reported', () => {
    const messages = validateItemChoice(['birth_certificate', 'birth_certificate', 'passport']);
    expect(messages).toHaveLength(2);
    expect(messages.join('')).toContain('passport');
    expect(messages.join('')).toContain('重复');
  });

  it('when anything is wrong, then every message is in Chinese', () => {
    for (const message of validateItemChoice(['x', 'social_security_card', 'social_security_card'])) {
      expect(message).toMatch(HAN);
    }
  });
});
