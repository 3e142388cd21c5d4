import type {
  ApplicationList,
  ApplicationSummary,
  ApplicationView,
  GuideResponse,
  IdentityFillTarget,
  LoginInput,
  Notice,
  NoticeList,
  PhoneConfirmationInput,
  PhoneConfirmationView,
  Progress,
  RatingCreated,
  RatingInput,
  RatingsView,
  SubscriptionInput,
  TokenResponse,
} from '@birth/shared';
import { request } from './http';

// Every BFF path the app calls is written here and nowhere else.

const segment = (value: string) => encodeURIComponent(value);

let guide: Promise<GuideResponse> | undefined;

/**
 * The simple guide (standard appendix C), hospitals, pickup points, the five items and the subscribe
 * templates. Fetched once per start and shared (the app may ask for it before the page that shows it
 * has loaded); a failed fetch is forgotten, so the next call tries again.
 */
export function getGuide(): Promise<GuideResponse> {
  guide ??= request<GuideResponse>({ path: '/guide', auth: false }).then(
    ({ data }) => data,
    (error: unknown) => {
      guide = undefined;
      throw error;
    },
  );
  return guide;
}

/** Exchanges a platform login code (or, with `dev`, a demo parent's name) for tokens. */
export async function postLogin(input: LoginInput): Promise<TokenResponse> {
  const { data } = await request<TokenResponse>({ method: 'POST', path: '/auth/login', body: input, auth: false });
  return data;
}

/** Rotates the refresh token: the one sent is used up, the answer holds the next one. */
export async function postRefresh(refreshToken: string): Promise<TokenResponse> {
  const { data } = await request<TokenResponse>({ method: 'POST', path: '/auth/refresh', body: { refreshToken }, auth: false });
  return data;
}

/** The parent's own applications (drafts included), as the BFF orders them. */
export async function listApplications(): Promise<ApplicationSummary[]> {
  const { data } = await request<ApplicationList>({ path: '/applications' });
  return data.applications ?? [];
}

/** Per-item state, deadlines in working days and the timeline of one application. */
export async function getProgress(applicationId: string): Promise<Progress> {
  const { data } = await request<Progress>({ path: `/applications/${segment(applicationId)}/progress` });
  return data;
}

/** The parent's notices, newest first. */
export async function listNotifications(): Promise<Notice[]> {
  const { data } = await request<NoticeList>({ path: '/notifications' });
  return data.notifications ?? [];
}

/** A draft or submitted application (personal identifiers masked) with its version tag for If-Match. */
export interface Versioned<T> {
  data: T;
  etag: string;
}

function etagOf(headers: Record<string, unknown>, fallbackVersion?: number): string {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === 'etag' && value) return String(value);
  return fallbackVersion !== undefined ? `"v${fallbackVersion}"` : '';
}

/** Creates a draft with what the parent filled in so far. */
export async function createApplication(input: Record<string, unknown>): Promise<Versioned<ApplicationView>> {
  const res = await request<ApplicationView>({ method: 'POST', path: '/applications', body: input });
  return { data: res.data, etag: etagOf(res.headers, res.data.version) };
}

export async function getApplication(applicationId: string): Promise<Versioned<ApplicationView>> {
  const res = await request<ApplicationView>({ path: `/applications/${segment(applicationId)}` });
  return { data: res.data, etag: etagOf(res.headers, res.data.version) };
}

/** Saves changes to a draft; a stale `etag` (changed on another device) is a 409. */
export async function patchApplication(
  applicationId: string,
  etag: string,
  changes: Record<string, unknown>,
): Promise<Versioned<ApplicationView>> {
  const res = await request<ApplicationView>({
    method: 'PATCH',
    path: `/applications/${segment(applicationId)}`,
    body: changes,
    headers: { 'If-Match': etag },
  });
  return { data: res.data, etag: etagOf(res.headers, res.data.version) };
}

/**
 * Asks the BFF to write the parent's verified name and phone (from the login) into these parts of the
 * draft; answered like a PATCH. The clear values stay on the server: the answer masks the phone.
 */
export async function fillVerifiedIdentity(
  applicationId: string,
  etag: string,
  into: IdentityFillTarget[],
): Promise<Versioned<ApplicationView>> {
  const res = await request<ApplicationView>({
    method: 'POST',
    path: `/applications/${segment(applicationId)}/verified-identity`,
    body: { into },
    headers: { 'If-Match': etag },
  });
  return { data: res.data, etag: etagOf(res.headers, res.data.version) };
}

/** Submits a draft; the same key makes a repeated tap or a retry answer once. */
export async function submitApplication(applicationId: string, idempotencyKey: string): Promise<ApplicationView> {
  const { data } = await request<ApplicationView>({
    method: 'POST',
    path: `/applications/${segment(applicationId)}/submit`,
    headers: { 'Idempotency-Key': idempotencyKey },
    timeoutMs: 30000,
  });
  return data;
}

/** Sends the corrections of one rejected item and resubmits that item alone. */
export async function resubmitItem(
  applicationId: string,
  itemKey: string,
  body: { corrections: Record<string, unknown>; note?: string },
  idempotencyKey: string,
): Promise<ApplicationView> {
  const { data } = await request<ApplicationView>({
    method: 'POST',
    path: `/applications/${segment(applicationId)}/items/${segment(itemKey)}/resubmit`,
    body,
    headers: { 'Idempotency-Key': idempotencyKey },
    timeoutMs: 30000,
  });
  return data;
}

/** Where an ID photo is uploaded (multipart, sent by Taro.uploadFile rather than request()). */
export function attachmentsPath(applicationId: string): string {
  return `/applications/${segment(applicationId)}/attachments`;
}

/** The parent's ratings of one application, with any rectification feedback. */
export async function getRatings(applicationId: string): Promise<RatingsView> {
  const { data } = await request<RatingsView>({ path: `/applications/${segment(applicationId)}/ratings` });
  return data;
}

export async function postRating(applicationId: string, input: RatingInput, idempotencyKey: string): Promise<RatingCreated> {
  const { data } = await request<RatingCreated>({
    method: 'POST',
    path: `/applications/${segment(applicationId)}/ratings`,
    body: input,
    headers: { 'Idempotency-Key': idempotencyKey },
  });
  return data;
}

/**
 * Records what the parent answered to a subscribe-message prompt, per template, with a fresh login code by
 * which the BFF learns (and checks) the platform account that the messages go to.
 */
export async function postSubscriptions(input: SubscriptionInput): Promise<void> {
  await request<unknown>({ method: 'POST', path: '/subscriptions', body: input });
}

/**
 * Sends a 6-digit code by SMS to the phone this application's notices go to (201, `confirmed: false`), or
 * answers `confirmed: true` (200) when that phone needs no code: confirmed before, or verified at login.
 */
/** Whether the phone this application's notices go to is confirmed, masked; sends nothing. */
export async function getPhoneConfirmation(applicationId: string): Promise<PhoneConfirmationView> {
  const { data } = await request<PhoneConfirmationView>({ path: `/applications/${segment(applicationId)}/phone-confirmations` });
  return data;
}

export async function requestPhoneConfirmation(applicationId: string): Promise<PhoneConfirmationView> {
  const { data } = await request<PhoneConfirmationView>({
    method: 'POST',
    path: `/applications/${segment(applicationId)}/phone-confirmations`,
  });
  return data;
}

/** Checks the code the parent typed; a wrong or expired one is a 400 with what to do. */
export async function confirmPhone(applicationId: string, code: string): Promise<PhoneConfirmationView> {
  const body: PhoneConfirmationInput = { code };
  const { data } = await request<PhoneConfirmationView>({
    method: 'POST',
    path: `/applications/${segment(applicationId)}/phone-confirmations/confirm`,
    body,
  });
  return data;
}
