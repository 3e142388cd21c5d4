import { ApplicationDraftInput, ResubmitItemInput, formatZodIssues } from '@birth/shared';
import { messagesAt, validApplication } from './support/fixtures';

describe('ApplicationDraftInput', () => {
  it('when the draft is empty, then it is fine', () => {
    expect(ApplicationDraftInput.safeParse({}).success).toBe(true);
  });

  it('when sections are half filled and consents not given yet, then it is fine', () => {
    const result = ApplicationDraftInput.safeParse({
      newborn: { name: '王小禾' },
      mother: { phone: '13812345678' },
      items: ['vaccination_certificate'],
      delivery: { birth_certificate: { method: 'mail' } },
      consents: { sensitiveInfo: false },
    });
    expect(result.success).toBe(true);
  });

  it('when a complete valid application is saved as a draft, then it is fine too', () => {
    expect(ApplicationDraftInput.safeParse(validApplication()).success).toBe(true);
  });

  it('when a provided field is malformed, then it is still reported with its path', () => {
    const result = ApplicationDraftInput.safeParse({
      mother: { idNumber: '33010219920315002', phone: '110' },
      delivery: { hukou_registration: { method: 'mail', regionCode: '110101' } },
      newborn: { sex: 'boy' },
    });
    expect(result.success).toBe(false);
    if (!result.success) {
      const errors = formatZodIssues(result.error);
      expect(errors.map((e) => e.path).sort()).toEqual(
        ['delivery.hukou_registration.regionCode', 'mother.idNumber', 'mother.phone', 'newborn.sex'].sort(),
      );
    }
  });

  it('when a draft has unknown keys at any depth, then they are refused', () => {
    const result = ApplicationDraftInput.safeParse({ newborn: { nickname: '禾禾' }, hack: true });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(
        formatZodIssues(result.error)
          .map((e) => e.path)
          .sort(),
      ).toEqual(['hack', 'newborn.nickname']);
    }
  });

  it('when a draft chooses an item twice, then it is reported', () => {
    const result = ApplicationDraftInput.safeParse({ items: ['birth_certificate', 'birth_certificate'] });
    expect(result.success).toBe(false);
    if (!result.success) expect(messagesAt(formatZodIssues(result.error), 'items')[0]).toContain('重复');
  });

  it('when a consent is not a boolean, then it is reported', () => {
    expect(ApplicationDraftInput.safeParse({ consents: { notifications: 'yes' } }).success).toBe(false);
  });

  it('when a draft parses, then no default values are invented', () => {
    const result = ApplicationDraftInput.safeParse({ mother: { name: '李晓红' } });
    expect(result.success && result.data.mother).toEqual({ name: '李晓红' });
  });
});

describe('ResubmitItemInput', () => {
  it('when corrections fix one field with a note, then it parses', () => {
    const result = ResubmitItemInput.safeParse({
      corrections: { household: { householdAddress: '浙江省杭州市西湖区文三路100号3幢202室' } },
      note: '门牌号填错了，已更正',
    });
    expect(result.success).toBe(true);
  });

  it('when corrections are empty (e.g. only a new photo was uploaded), then it parses', () => {
    expect(ResubmitItemInput.safeParse({ corrections: {} }).success).toBe(true);
  });

  it('when corrections try to change the chosen items or the consents, then they are refused', () => {
    const result = ResubmitItemInput.safeParse({
      corrections: { items: ['birth_certificate'], consents: { notifications: true } },
    });
    expect(result.success).toBe(false);
    if (!result.success)
      expect(
        formatZodIssues(result.error)
          .map((e) => e.path)
          .sort(),
      ).toEqual(['corrections.consents', 'corrections.items']);
  });

  it('when a correction is malformed or the note too long, then both are reported', () => {
    const result = ResubmitItemInput.safeParse({ corrections: { father: { phone: '123' } }, note: '很'.repeat(501) });
    expect(result.success).toBe(false);
    if (!result.success)
      expect(
        formatZodIssues(result.error)
          .map((e) => e.path)
          .sort(),
      ).toEqual(['corrections.father.phone', 'note']);
  });

  it('when the body has unknown keys, then they are refused', () => {
    expect(ResubmitItemInput.safeParse({ corrections: {}, itemKey: 'x' }).success).toBe(false);
  });
});
