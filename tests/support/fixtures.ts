// Test data that passes the shared schemas: valid GB 11643 ID numbers, a complete application.
import { makeIdNumber, validApplication as validSubmission } from '../shared/support/fixtures';
import { api } from './test-server';

let serial = Math.floor(Math.random() * 500);

/**
 * A valid 18-digit ID number: region, birth date (YYYYMMDD), a fresh sequence (three digits, the last one
 * odd for a man and even for a woman): 500 different numbers per birth date before one repeats.
 */
export function idNumber(birth: string, sex: 'male' | 'female', region = '330102'): string {
  serial = (serial + 1) % 500;
  const last = (serial % 5) * 2 + (sex === 'male' ? 1 : 0);
  return makeIdNumber(region, birth, `${String(Math.floor(serial / 5)).padStart(2, '0')}${last}`);
}

/**
 * A complete application for a newborn of its own (fresh parents' ID numbers), so any number of
 * them can be submitted without tripping the one-application-per-newborn rule.
 */
export function validApplication(overrides: { birthDateTime?: string; items?: string[] } = {}) {
  const input = validSubmission();
  input.newborn.birthDateTime = overrides.birthDateTime ?? new Date(Date.now() - 6 * 3600_000).toISOString();
  input.mother = { ...input.mother, idNumber: idNumber('19920315', 'female'), nationality: '中国' };
  input.father = { ...input.father, idNumber: idNumber('19900708', 'male') };
  input.delivery.birth_certificate = {
    method: 'mail',
    recipient: input.mother.name,
    phone: input.mother.phone,
    regionCode: '330102',
    addressDetail: '上城区解放路100号3幢201室',
  };
  input.delivery.vaccination_certificate = { method: 'pickup', pickupPointId: 'hz-citizen-center' };
  if (overrides.items) input.items = overrides.items;
  return input;
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

/** A submitted application (of a new parent unless a token is given); returns its id and the parent's token. */
export async function submittedApplication(base: string, input = validApplication(), parentToken?: string) {
  const token = parentToken ?? (await loginParent(base));
  const draft = await api(base, 'POST', '/api/v1/applications', { token, body: input });
  if (draft.status !== 201) throw new Error(`draft failed: ${draft.status} ${JSON.stringify(draft.body)}`);
  const submit = await api(base, 'POST', `/api/v1/applications/${draft.body.id}/submit`, {
    token,
    headers: { 'idempotency-key': `submit-${draft.body.id}` },
  });
  if (submit.status !== 202) throw new Error(`submit failed: ${submit.status} ${JSON.stringify(submit.body)}`);
  return { token, id: draft.body.id as string, input };
}
