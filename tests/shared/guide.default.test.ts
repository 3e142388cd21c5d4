import { DEFAULT_GUIDE, DEPARTMENTS, Guide, ITEM_CATALOGUE, ITEM_KEYS, formatZodIssues } from '@birth/shared';

describe('DEFAULT_GUIDE', () => {
  it('when checked against the Guide schema, then it is valid', () => {
    const result = Guide.safeParse(DEFAULT_GUIDE);
    if (!result.success) throw new Error(JSON.stringify(formatZodIssues(result.error)));
  });

  it('when read, then it carries appendix C: 4 working days, no fee, the four materials', () => {
    expect(DEFAULT_GUIDE.title).toBe('出生“一件事”联办');
    expect(DEFAULT_GUIDE.timeLimit.workingDays).toBe(4);
    expect(DEFAULT_GUIDE.timeLimit.note).toContain('不包括信息确认时间、制卡时间和寄送时间');
    expect(DEFAULT_GUIDE.fee).toContain('不收费');
    expect(DEFAULT_GUIDE.materials).toHaveLength(4);
    expect(DEFAULT_GUIDE.materials.join('')).toContain('结婚证');
    expect(DEFAULT_GUIDE.consultation.phone).toContain('12345');
  });

  it('when listing hospitals, then the ones of the field reports are there with their city', () => {
    const byName = Object.fromEntries(DEFAULT_GUIDE.hospitals.map((h) => [h.name, h.city]));
    expect(byName['浙江大学医学院附属妇产科医院']).toBe('杭州');
    expect(byName['义乌市妇幼保健院']).toBe('金华');
    expect(byName['瑞安市人民医院']).toBe('温州');
  });

  it('when listing items, then they mirror the catalogue with department names', () => {
    expect(DEFAULT_GUIDE.items).toEqual(
      ITEM_KEYS.map((key) => ({
        key,
        name: ITEM_CATALOGUE[key].name,
        department: ITEM_CATALOGUE[key].department,
        departmentName: DEPARTMENTS[ITEM_CATALOGUE[key].department].name,
      })),
    );
  });
});

describe('Guide', () => {
  it('when a configured guide repeats a hospital id, then the duplicate is reported', () => {
    const guide = { ...DEFAULT_GUIDE, hospitals: [...DEFAULT_GUIDE.hospitals, DEFAULT_GUIDE.hospitals[0]] };
    const result = Guide.safeParse(guide);
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(formatZodIssues(result.error)).toEqual([
        { path: `hospitals.${DEFAULT_GUIDE.hospitals.length}.id`, message: expect.stringContaining('重复') },
      ]);
    }
  });

  it('when a configured guide has an unknown key or no pickup points, then both are reported', () => {
    const result = Guide.safeParse({ ...DEFAULT_GUIDE, pickupPoints: [], banner: 'x' });
    expect(result.success).toBe(false);
    if (!result.success)
      expect(
        formatZodIssues(result.error)
          .map((e) => e.path)
          .sort(),
      ).toEqual(['banner', 'pickupPoints']);
  });

  it('when the time limit exceeds the standard’s 4 working days, then it is refused', () => {
    expect(Guide.safeParse({ ...DEFAULT_GUIDE, timeLimit: { ...DEFAULT_GUIDE.timeLimit, workingDays: 5 } }).success).toBe(false);
  });
});
