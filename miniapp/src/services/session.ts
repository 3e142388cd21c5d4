import Taro from '@tarojs/taro';
import type { LoginPlatform, VerifiedIdentity } from '@birth/shared';
import { postLogin, postRefresh } from './api';
import {
  ApiError,
  clearTokens,
  getAccessExpiresAt,
  getAccessToken,
  getRefreshToken,
  setSessionHandler,
  setTokens,
  type SessionHandler,
} from './http';
import { randomHex } from '../utils/ids';

/**
 * The parent's session. The app logs in once per start with what its platform gives it:
 * - WeChat / Alipay mini programs: the one-time code of `Taro.login()` (Alipay: `my.getAuthCode`);
 * - H5 inside 浙里办: the SSO `ticket` in the address;
 * - H5 anywhere else: a dev login with a random code kept on this device, so the same phone stays the
 *   same demo parent. The BFF refuses dev logins in production, and the page then shows its message.
 * Authenticated calls wait for that login; a 401 refreshes the token once (single flight: refresh tokens
 * are single use, and a second use revokes the whole session) and otherwise logs in again.
 */

export const DEV_CODE_KEY = 'birth.auth.devCode';
/** 浙里办 tickets are single use: remember the one spent, so a reload does not spend it again. */
const USED_TICKET_KEY = 'birth.auth.zhelibanTicket';
/** The parent's verified identity from the last login, masked (`林*雯`, `139****1234`): safe to keep. */
const IDENTITY_KEY = 'birth.auth.identity';
/** Renew a little before the token's expiry, so a call does not leave with a token about to die. */
const EXPIRY_MARGIN_MS = 30_000;

interface Credential {
  platform: LoginPlatform;
  code: string;
}

function readString(key: string): string | undefined {
  try {
    const value: unknown = Taro.getStorageSync(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** This device's demo-parent name for dev logins, created on first use and kept in storage. */
export function deviceDevCode(): string {
  const stored = readString(DEV_CODE_KEY);
  if (stored) return stored;
  const code = `device-${randomHex(16)}`;
  Taro.setStorageSync(DEV_CODE_KEY, code);
  return code;
}

/** The 浙里办 SSO ticket from the address: before the '#' (where 浙里办 puts it) or in the hash route. */
export function h5Ticket(): string | undefined {
  if (typeof window === 'undefined') return undefined;
  const { search, hash } = window.location;
  const hashQuery = hash.includes('?') ? hash.slice(hash.indexOf('?')) : '';
  for (const part of [search, hashQuery]) {
    const params = new URLSearchParams(part);
    const ticket = params.get('ticket') ?? params.get('ticketId');
    if (ticket) return ticket;
  }
  return undefined;
}

const LOGIN_FAILED = '登录没有成功，请关闭后重新进入';

/** A fresh one-time platform code (WeChat `wx.login`, Alipay `my.getAuthCode`): for login and for subscriptions. */
export async function miniProgramCode(): Promise<string> {
  try {
    // On Alipay, Taro maps login() to my.getAuthCode({ scopes: 'auth_base' }) and its authCode to `code`.
    const { code } = await Taro.login();
    if (code) return code;
  } catch {
    // The platform refused (no network, user cancelled): answered below in words a parent understands.
  }
  throw new ApiError({ status: 0, code: 'LOGIN_FAILED', message: LOGIN_FAILED });
}

/** What this platform offers to log in with now; undefined when nothing fresh is available. */
async function platformCredential(): Promise<Credential | undefined> {
  if (process.env.TARO_ENV === 'weapp') return { platform: 'wechat', code: await miniProgramCode() };
  if (process.env.TARO_ENV === 'alipay') return { platform: 'alipay', code: await miniProgramCode() };
  const ticket = h5Ticket();
  if (ticket) return ticket === readString(USED_TICKET_KEY) ? undefined : { platform: 'zheliban', code: ticket };
  return { platform: 'dev', code: deviceDevCode() };
}

async function logIn(): Promise<void> {
  const credential = await platformCredential();
  if (!credential) {
    throw new ApiError({ status: 401, code: 'LOGIN_REQUIRED', message: '登录已过期，请从“浙里办”重新进入本服务' });
  }
  let tokens;
  try {
    tokens = await postLogin(credential);
  } catch (error: unknown) {
    // A development build of a mini program talks to a BFF without WeChat/Alipay credentials (503):
    // fall back to this device's demo parent there, never in a production build.
    const unconfigured = error instanceof ApiError && error.status === 503;
    if (process.env.NODE_ENV === 'production' || credential.platform === 'dev' || !unconfigured) throw error;
    tokens = await postLogin({ platform: 'dev', code: deviceDevCode() });
  }
  setTokens(tokens);
  rememberIdentity((tokens as { identity?: VerifiedIdentity }).identity);
  if (credential.platform === 'zheliban') Taro.setStorageSync(USED_TICKET_KEY, credential.code);
}

/** Keeps the masked identity of this login (or forgets an earlier one when this login has none). */
export function rememberIdentity(identity: VerifiedIdentity | undefined): void {
  if (identity && (identity.name || identity.phone)) Taro.setStorageSync(IDENTITY_KEY, identity);
  else Taro.removeStorageSync(IDENTITY_KEY);
}

/**
 * What the identity provider verified about this parent, masked, for the form's 一键填入. The clear values
 * never reach the phone: the BFF writes them into the draft itself.
 */
export function verifiedIdentity(): VerifiedIdentity | undefined {
  try {
    const value: unknown = Taro.getStorageSync(IDENTITY_KEY);
    if (typeof value !== 'object' || value === null) return undefined;
    const { source, name, phone } = value as Partial<VerifiedIdentity>;
    if (source !== 'zheliban' && source !== 'dev') return undefined;
    if (typeof name !== 'string' && typeof phone !== 'string') return undefined;
    return {
      source,
      ...(typeof name === 'string' ? { name } : {}),
      ...(typeof phone === 'string' ? { phone } : {}),
    };
  } catch {
    return undefined;
  }
}

let startup: Promise<void> | undefined;
let renewing: Promise<void> | undefined;

/**
 * Logs in once for this start of the app (later calls share the same promise). When no fresh platform
 * credential exists (a reload inside 浙里办), or the login fails while an earlier session is stored, the
 * stored session is kept and a 401 will refresh it. A failed start is tried again on the next call.
 */
export function startSession(): Promise<void> {
  startup ??= (async () => {
    const hadSession = getRefreshToken() !== undefined || getAccessToken() !== undefined;
    try {
      await logIn();
    } catch (error: unknown) {
      if (!hadSession) throw error;
    }
  })().catch((error: unknown) => {
    startup = undefined;
    throw error;
  });
  return startup;
}

async function refreshOrLogIn(): Promise<void> {
  const refreshToken = getRefreshToken();
  if (refreshToken) {
    try {
      setTokens(await postRefresh(refreshToken));
      return;
    } catch (error: unknown) {
      // No answer: the session may still be good, so keep it and let the parent try again.
      if (!(error instanceof ApiError) || error.status === 0 || error.status >= 500 || error.status === 429) throw error;
      clearTokens();
    }
  }
  await logIn();
}

/** Gets a new access token after `rejected` failed; concurrent callers share one renewal. */
export function renewSession(rejected: string | undefined): Promise<void> {
  const current = getAccessToken();
  if (current !== undefined && current !== rejected) return Promise.resolve(); // already renewed by another call
  renewing ??= refreshOrLogIn().finally(() => {
    renewing = undefined;
  });
  return renewing;
}

async function ensureSession(): Promise<void> {
  await startSession();
  const token = getAccessToken();
  const expiresAt = getAccessExpiresAt();
  if (token === undefined || (expiresAt !== undefined && Date.now() > expiresAt - EXPIRY_MARGIN_MS)) {
    await renewSession(token);
  }
}

const handler: SessionHandler = { ensure: ensureSession, renew: renewSession };
setSessionHandler(handler);

/** For tests: forget this start's login so the next call logs in again. */
export function resetSessionForTests(): void {
  startup = undefined;
  renewing = undefined;
}
