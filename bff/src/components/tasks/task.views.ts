import type { ItemKey } from '@birth/shared';

/**
 * What each department sees of an application: only the fields its item needs (data minimisation,
 * PIPL). `guardian` is the parent the newborn registers with (name, ID, phone), for the insurance and
 * card items; `outputsFrom` are earlier items whose results this item builds on.
 */
export const TASK_VIEWS: Readonly<
  Record<ItemKey, { data: readonly string[]; guardian: boolean; outputsFrom: readonly ItemKey[] }>
> = {
  birth_certificate: {
    data: [
      'newborn',
      'mother.name',
      'mother.idType',
      'mother.idNumber',
      'mother.ethnicity',
      'mother.nationality',
      'father.name',
      'father.idType',
      'father.idNumber',
      'father.ethnicity',
      'father.nationality',
      'delivery.birth_certificate',
    ],
    guardian: false,
    outputsFrom: [],
  },
  vaccination_certificate: {
    data: [
      'newborn.name',
      'newborn.sex',
      'newborn.birthDateTime',
      'newborn.hospitalId',
      'mother.name',
      'mother.phone',
      'father.name',
      'father.phone',
      'delivery.vaccination_certificate',
    ],
    guardian: false,
    outputsFrom: ['birth_certificate'],
  },
  hukou_registration: {
    data: ['newborn', 'mother', 'father', 'marriage', 'household', 'delivery.hukou_registration'],
    guardian: false,
    outputsFrom: ['birth_certificate'],
  },
  medical_insurance: {
    data: ['newborn.name', 'newborn.sex', 'newborn.birthDateTime', 'household.registerWith', 'household.householdAddress'],
    guardian: true,
    outputsFrom: ['hukou_registration'],
  },
  social_security_card: {
    data: ['newborn.name', 'newborn.sex', 'newborn.birthDateTime', 'delivery.social_security_card'],
    guardian: true,
    outputsFrom: ['hukou_registration', 'medical_insurance'],
  },
};

/** Output fields each item passes on to later items (the rest stay with the department that made them). */
export const SHARED_OUTPUTS: Readonly<Partial<Record<ItemKey, readonly string[]>>> = {
  birth_certificate: ['certificateNumber'],
  hukou_registration: ['newbornIdNumber'],
  medical_insurance: ['insuranceNumber'],
};
