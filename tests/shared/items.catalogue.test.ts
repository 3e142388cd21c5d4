import {
  DEPARTMENTS,
  DEPARTMENT_CODES,
  ITEM_CATALOGUE,
  ITEM_KEYS,
  PHYSICAL_ITEM_KEYS,
  isDepartmentCode,
  isItemKey,
  itemsForDepartment,
  prerequisitesOf,
} from '@birth/shared';

describe('item catalogue', () => {
  it('when listing the items, then there are the five of the standard with their Chinese names', () => {
    expect(ITEM_KEYS.map((key) => ITEM_CATALOGUE[key].name)).toEqual([
      '出生医学证明',
      '预防接种证',
      '出生户口登记',
      '城乡居民参保登记',
      '社会保障卡申领',
    ]);
    for (const key of ITEM_KEYS) expect(ITEM_CATALOGUE[key].key).toBe(key);
  });

  it('when listing the departments, then the four have their Chinese names', () => {
    expect(DEPARTMENT_CODES.map((code) => DEPARTMENTS[code].name)).toEqual([
      '助产机构',
      '落户地派出所',
      '参保地医保经办机构',
      '社保卡管理服务机构',
    ]);
  });

  it('when reading dependencies, then they follow the data flow (ID number from hukou onwards)', () => {
    expect(ITEM_CATALOGUE.birth_certificate.needs).toEqual([]);
    expect(ITEM_CATALOGUE.vaccination_certificate.needs).toEqual(['birth_certificate']);
    expect(ITEM_CATALOGUE.hukou_registration.needs).toEqual(['birth_certificate']);
    expect(ITEM_CATALOGUE.medical_insurance.needs).toEqual(['hukou_registration']);
    expect(ITEM_CATALOGUE.social_security_card.needs).toEqual(['medical_insurance']);
  });

  it('when reading outputs and physical flags, then only medical insurance has no document to deliver', () => {
    expect(ITEM_CATALOGUE.birth_certificate.outputs).toEqual(['certificateNumber']);
    expect(ITEM_CATALOGUE.vaccination_certificate.outputs).toEqual(['certificateNumber']);
    expect(ITEM_CATALOGUE.hukou_registration.outputs).toEqual(['newbornIdNumber', 'hukouBookletNumber']);
    expect(ITEM_CATALOGUE.medical_insurance.outputs).toEqual(['insuranceNumber']);
    expect(ITEM_CATALOGUE.social_security_card.outputs).toEqual(['cardNumber']);
    expect(PHYSICAL_ITEM_KEYS).toEqual([
      'birth_certificate',
      'vaccination_certificate',
      'hukou_registration',
      'social_security_card',
    ]);
  });

  it('when every dependency is followed, then each need comes earlier in the list (no cycles)', () => {
    ITEM_KEYS.forEach((key, index) => {
      for (const need of ITEM_CATALOGUE[key].needs) expect(ITEM_KEYS.indexOf(need)).toBeLessThan(index);
    });
  });

  it('when asking for a department, then it gets exactly its items and every item has one department', () => {
    expect(itemsForDepartment('hospital')).toEqual(['birth_certificate', 'vaccination_certificate']);
    expect(itemsForDepartment('police')).toEqual(['hukou_registration']);
    expect(itemsForDepartment('medical_insurance')).toEqual(['medical_insurance']);
    expect(itemsForDepartment('social_security')).toEqual(['social_security_card']);
    expect(DEPARTMENT_CODES.flatMap(itemsForDepartment).sort()).toEqual([...ITEM_KEYS].sort());
  });

  it('when asking for all prerequisites, then the transitive closure comes back nearest first', () => {
    expect(prerequisitesOf('social_security_card')).toEqual(['medical_insurance', 'hukou_registration', 'birth_certificate']);
    expect(prerequisitesOf('birth_certificate')).toEqual([]);
  });

  it('when checking untrusted keys, then only known ones pass', () => {
    expect(isItemKey('hukou_registration')).toBe(true);
    expect(isItemKey('passport')).toBe(false);
    expect(isItemKey(3)).toBe(false);
    expect(isDepartmentCode('police')).toBe(true);
    expect(isDepartmentCode('hukou_registration')).toBe(false);
  });
});
