// Test data that passes the shared schemas: valid GB 11643 ID numbers, a complete application.
import { idNumberCheckDigit } from '@birth/shared';
import { api } from './test-server';

let serial = Math.floor(Math.random() * 100);

/** A valid 18-digit ID number: region, birth date (YYYYMMDD), a fresh sequence, sex digit. */
export function idNumber(birth: string, sex: 'male' | 'female', region = '330102'): string {
  serial = (serial + 1) % 100;
  const seq = String(serial).padStart(2, '0');
  const sexDigit = sex === 'male' ? '1' : '2';
  const first17 = `${region}${birth}${seq}${sexDigit}`;
  return first17 + idNumberCheckDigit(first17);
}

export function phone(): string {
  return `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
}

export function validApplication(overrides: { birthDateTime?: string; items?: string[] } = {}) {
  const birth = overrides.birthDateTime ?? new Date(Date.now() - 6 * 3600_000).toISOString();
  const mother = {
    name: '王小红',
    idType: 'resident_id',
    idNumber: idNumber('19920315', 'female'),
    phone: phone(),
    ethnicity: '汉族',
    nationality: '中国',
  };
  const father = {
    name: '李大明',
    idType: 'resident_id',
    idNumber: idNumber('19900708', 'male'),
    phone: phone(),
    ethnicity: '汉族',
    nationality: '中国',
  };
  const mail = {
    method: 'mail',
    recipient: '王小红',
    phone: mother.phone,
    regionCode: '330102',
    addressDetail: '上城区解放路100号3幢201室',
  };
  return {
    newborn: { name: '李安安', sex: 'female', birthDateTime: birth, hospitalId: 'hz-zju-womens', ethnicity: '汉族' },
    mother,
    father,
    marriage: { mode: 'shared_record' },
    household: {
      registerWith: 'father',
      householdHeadName: '李大明',
      householdAddress: '浙江省杭州市上城区解放路100号',
      relationshipToHead: '女',
    },
    items: overrides.items ?? [
      'birth_certificate',
      'vaccination_certificate',
      'hukou_registration',
      'medical_insurance',
      'social_security_card',
    ],
    delivery: {
      birth_certificate: mail,
      vaccination_certificate: { method: 'pickup', pickupPointId: 'hz-citizen-center' },
      hukou_registration: mail,
      social_security_card: mail,
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

export async function loginParent(base: string, code = `parent-${Math.random().toString(36).slice(2)}`): Promise<string> {
  const res = await api(base, 'POST', '/api/v1/auth/login', { body: { platform: 'dev', code } });
  if (res.status !== 200) throw new Error(`dev login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}

export async function departmentToken(base: string, code: string): Promise<string> {
  const res = await api(base, 'POST', '/api/v1/dept/auth/token', {
    body: { clientId: `dev-${code}`, clientSecret: `dev-${code}-secret` },
  });
  if (res.status !== 200) throw new Error(`department login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}

export async function operatorToken(base: string): Promise<string> {
  const res = await api(base, 'POST', '/api/v1/admin/auth/token', {
    body: { clientId: 'dev-operator', clientSecret: 'dev-operator-secret' },
  });
  if (res.status !== 200) throw new Error(`operator login failed: ${res.status}`);
  return res.body.accessToken;
}

/** A parent with a submitted application; returns its id and the parent's token. */
export async function submittedApplication(base: string, input = validApplication()) {
  const token = await loginParent(base);
  const draft = await api(base, 'POST', '/api/v1/applications', { token, body: input });
  if (draft.status !== 201) throw new Error(`draft failed: ${draft.status} ${JSON.stringify(draft.body)}`);
  const submit = await api(base, 'POST', `/api/v1/applications/${draft.body.id}/submit`, {
    token,
    headers: { 'idempotency-key': `submit-${draft.body.id}` },
  });
  if (submit.status !== 202) throw new Error(`submit failed: ${submit.status} ${JSON.stringify(submit.body)}`);
  return { token, id: draft.body.id as string, input };
}
