import { idNumberCheckDigit } from '@birth/shared';

/** A valid 18-digit ID number from region, birth date (YYYYMMDD) and a 3-digit sequence (odd = male). */
export function makeIdNumber(region: string, birth: string, sequence: string): string {
  const first17 = `${region}${birth}${sequence}`;
  return first17 + idNumberCheckDigit(first17);
}

export const MOTHER_ID = makeIdNumber('330102', '19920315', '002');
export const FATHER_ID = makeIdNumber('330106', '19900720', '011');

const DAY = 24 * 60 * 60 * 1000;

/** A complete, valid submission; the newborn was born three days before the real now. */
export function validApplication(): Record<string, any> {
  return {
    newborn: {
      name: '王小禾',
      sex: 'female',
      birthDateTime: new Date(Date.now() - 3 * DAY).toISOString().replace('Z', '+00:00'),
      hospitalId: 'hz-zju-womens',
      ethnicity: '汉族',
    },
    mother: { name: '李晓红', idType: 'resident_id', idNumber: MOTHER_ID, phone: '13812345678', ethnicity: '汉族' },
    father: {
      name: '王建国',
      idType: 'resident_id',
      idNumber: FATHER_ID,
      phone: '13998765432',
      ethnicity: '汉族',
      nationality: '中国',
    },
    marriage: { mode: 'shared_record' },
    household: {
      registerWith: 'father',
      householdHeadName: '王建国',
      householdAddress: '浙江省杭州市西湖区文三路100号3幢201室',
      relationshipToHead: '女',
    },
    items: ['birth_certificate', 'vaccination_certificate', 'hukou_registration', 'medical_insurance', 'social_security_card'],
    delivery: {
      birth_certificate: { method: 'pickup', pickupPointId: 'hz-citizen-center' },
      vaccination_certificate: { method: 'pickup', pickupPointId: 'hz-citizen-center' },
      hukou_registration: {
        method: 'mail',
        recipient: '王建国',
        phone: '13998765432',
        regionCode: '330106',
        addressDetail: '文三路100号3幢201室',
      },
      social_security_card: {
        method: 'mail',
        recipient: '王建国',
        phone: '13998765432',
        regionCode: '330106',
        addressDetail: '文三路100号3幢201室',
      },
    },
    consents: {
      sensitiveInfo: true,
      guardianForChild: true,
      shareWithDepartments: true,
      notifications: true,
      truthfulnessPledge: true,
    },
  };
}

/** The messages of a formatted error list at one path. */
export function messagesAt(errors: { path: string; message: string }[], path: string): string[] {
  return errors.filter((e) => e.path === path).map((e) => e.message);
}

export const HAN = /\p{Script=Han}/u;
