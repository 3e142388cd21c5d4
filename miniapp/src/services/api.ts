import type { Guide } from '@birth/shared';
import { request } from './http';
import type { ApplicationSummary, LoginRequest, Notice, Progress, Tokens } from './types';

// Every BFF path the app calls is written here and nowhere else.

const segment = (value: string) => encodeURIComponent(value);

/** The simple guide (standard appendix C), hospitals, pickup points and the five items. */
export async function getGuide(): Promise<Guide> {
  const { data } = await request<Guide>({ path: '/guide', auth: false });
  return data;
}

/** Exchanges a platform login code (or, with `dev`, a demo parent's name) for tokens. */
export async function postLogin(input: LoginRequest): Promise<Tokens> {
  const { data } = await request<Tokens>({ method: 'POST', path: '/auth/login', body: input, auth: false });
  return data;
}

/** Rotates the refresh token: the one sent is used up, the answer holds the next one. */
export async function postRefresh(refreshToken: string): Promise<Tokens> {
  const { data } = await request<Tokens>({ method: 'POST', path: '/auth/refresh', body: { refreshToken }, auth: false });
  return data;
}

/** The parent's own applications (drafts included), as the BFF orders them. */
export async function listApplications(): Promise<ApplicationSummary[]> {
  const { data } = await request<{ applications: ApplicationSummary[] }>({ path: '/applications' });
  return data.applications ?? [];
}

/** Per-item state, deadlines in working days and the timeline of one application. */
export async function getProgress(applicationId: string): Promise<Progress> {
  const { data } = await request<Progress>({ path: `/applications/${segment(applicationId)}/progress` });
  return data;
}

/** The parent's notices, newest first. */
export async function listNotifications(): Promise<Notice[]> {
  const { data } = await request<{ notifications: Notice[] }>({ path: '/notifications' });
  return data.notifications ?? [];
}
