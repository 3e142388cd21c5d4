import Taro from '@tarojs/taro';
import type { FieldError, Problem } from '@birth/shared';

/** Every BFF route the app uses lives under this prefix. */
export const API_PREFIX = '/api/v1';

const ACCESS_TOKEN_KEY = 'birth.auth.accessToken';
const REFRESH_TOKEN_KEY = 'birth.auth.refreshToken';
/** When the access token stops working (epoch ms), from the `expiresIn` the BFF sent with it. */
const ACCESS_EXPIRES_KEY = 'birth.auth.accessExpiresAt';

export type { FieldError };

/**
 * Any failed API call. `message` is always Chinese a parent can act on: the BFF's `detail` when it
 * sent one, otherwise a message chosen by status. `code` is the BFF's stable code, or `NETWORK_ERROR`
 * when no answer arrived.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldError[];
  /** Seconds, from `Retry-After` on 429/503. */
  readonly retryAfter?: number;

  constructor(init: { status: number; code: string; message: string; errors?: FieldError[]; retryAfter?: number }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.errors = init.errors ?? [];
    this.retryAfter = init.retryAfter;
  }
}

const STATUS_MESSAGES: Record<number, string> = {
  400: '填写的信息有误，请检查后重新提交',
  401: '登录已过期，请重新登录',
  403: '您没有办理此项业务的权限',
  404: '没有找到相关信息，可能已被撤回或删除',
  409: '信息已在其他地方更新，请刷新后重试',
  413: '上传的文件太大，请换一张较小的照片',
  415: '不支持该文件格式，请上传 JPG 或 PNG 照片',
  422: '提交的内容暂时无法受理，请按提示修改后再试',
  429: '操作太频繁，请稍等片刻再试',
  503: '服务暂时繁忙，请稍后再试',
};

const NETWORK_MESSAGE = '网络连接失败，请检查网络后重试';
const SERVER_MESSAGE = '服务出现问题，请稍后再试';

/** Chinese message for an HTTP status without a usable problem `detail`. */
export function messageForStatus(status: number): string {
  return STATUS_MESSAGES[status] ?? (status >= 500 ? SERVER_MESSAGE : '请求没有成功，请稍后再试');
}

/** A problem+json body as received: the shared `Problem`, every field still to be checked. */
type ProblemBody = { [K in keyof Problem]?: unknown };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted && value !== undefined && value !== null) return String(value);
  }
  return undefined;
}

function parseBody(data: unknown): unknown {
  // Some platforms hand back the raw text when the content type is not exactly application/json
  // (problem+json is one of those), so parse it here.
  if (typeof data !== 'string') return data;
  if (data === '') return undefined;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}

/** Maps a non-2xx answer (problem+json per RFC 9457, or anything else) to an ApiError. */
export function toApiError(status: number, data: unknown, headers?: Record<string, unknown>): ApiError {
  const body: ProblemBody = isRecord(data) ? data : {};
  const errors: FieldError[] = Array.isArray(body.errors)
    ? body.errors.filter(isRecord).map((e) => ({ path: String(e.path ?? ''), message: String(e.message ?? '') }))
    : [];
  const detail = typeof body.detail === 'string' && body.detail.trim() !== '' ? body.detail : undefined;
  const retryHeader = headerValue(headers, 'retry-after');
  const retryAfter = retryHeader !== undefined && /^\d+$/.test(retryHeader) ? Number(retryHeader) : undefined;
  return new ApiError({
    status,
    code: typeof body.code === 'string' ? body.code : `HTTP_${status}`,
    message: detail ?? messageForStatus(status),
    errors,
    retryAfter,
  });
}

export function getAccessToken(): string | undefined {
  const token: unknown = Taro.getStorageSync(ACCESS_TOKEN_KEY);
  return typeof token === 'string' && token !== '' ? token : undefined;
}

export function getRefreshToken(): string | undefined {
  const token: unknown = Taro.getStorageSync(REFRESH_TOKEN_KEY);
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/** Epoch ms after which the stored access token is expired, when known. */
export function getAccessExpiresAt(): number | undefined {
  const value: unknown = Taro.getStorageSync(ACCESS_EXPIRES_KEY);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function setTokens(tokens: { accessToken: string; refreshToken?: string; expiresIn?: number }): void {
  Taro.setStorageSync(ACCESS_TOKEN_KEY, tokens.accessToken);
  if (tokens.refreshToken !== undefined) Taro.setStorageSync(REFRESH_TOKEN_KEY, tokens.refreshToken);
  if (tokens.expiresIn !== undefined) Taro.setStorageSync(ACCESS_EXPIRES_KEY, Date.now() + tokens.expiresIn * 1000);
  else Taro.removeStorageSync(ACCESS_EXPIRES_KEY);
}

/** Forgets the access token only: the refresh token may still get a new one. */
export function clearAccessToken(): void {
  Taro.removeStorageSync(ACCESS_TOKEN_KEY);
  Taro.removeStorageSync(ACCESS_EXPIRES_KEY);
}

export function clearTokens(): void {
  clearAccessToken();
  Taro.removeStorageSync(REFRESH_TOKEN_KEY);
}

/**
 * How authenticated calls get and renew their token. The session module (services/session.ts) installs
 * one at start; without it, calls just send whatever token is stored.
 */
export interface SessionHandler {
  /** Resolves once a usable access token is stored (logging in first when needed). */
  ensure(): Promise<void>;
  /** Called after a 401: gets a new access token (refresh, else log in again); `rejected` is the token that failed. */
  renew(rejected: string | undefined): Promise<void>;
}

let sessionHandler: SessionHandler | undefined;

export function setSessionHandler(handler: SessionHandler | undefined): void {
  sessionHandler = handler;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  method?: Method;
  /** Path under /api/v1, starting with '/'. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send the stored bearer token (default true). */
  auth?: boolean;
  timeoutMs?: number;
}

export interface ApiResponse<T> {
  status: number;
  data: T;
  headers: Record<string, unknown>;
}

/** Full URL for a path under /api/v1; exported for the few places (uploads) that call Taro directly. */
export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const search = query
    ? Object.entries(query)
        .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
        .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
        .join('&')
    : '';
  return `${API_BASE}${API_PREFIX}${path}${search ? `?${search}` : ''}`;
}

/** Headers every call carries: JSON, and the bearer token when asked for and present. */
export function baseHeaders(auth = true): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  const token = auth ? getAccessToken() : undefined;
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
}

/**
 * One JSON call to the BFF. Resolves with the parsed body on 2xx, rejects with an ApiError otherwise
 * (also when the network fails, with status 0). With a session handler installed, an authenticated call
 * first waits for the session, and a 401 renews the token once and sends the call again.
 */
export async function request<T>(options: RequestOptions): Promise<ApiResponse<T>> {
  const auth = options.auth ?? true;
  const handler = auth ? sessionHandler : undefined;
  if (!handler) return send<T>(options);
  await handler.ensure();
  const sentToken = getAccessToken();
  try {
    return await send<T>(options);
  } catch (error: unknown) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    await handler.renew(sentToken);
    return send<T>(options);
  }
}

async function send<T>(options: RequestOptions): Promise<ApiResponse<T>> {
  const method = options.method ?? 'GET';
  const auth = options.auth ?? true;
  const headers: Record<string, string> = { ...baseHeaders(auth), ...options.headers };
  const sentToken = auth ? getAccessToken() : undefined;
  // Forget the refused token, unless another call has already stored a newer one meanwhile.
  const forgetRefused = () => {
    if (auth && getAccessToken() === sentToken) clearAccessToken();
  };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';

  let response: Taro.request.SuccessCallbackResult<string>;
  try {
    response = await Taro.request<string>({
      url: apiUrl(options.path, options.query),
      method,
      data: options.body as Taro.request.Option['data'],
      header: headers,
      dataType: 'text',
      responseType: 'text',
      timeout: options.timeoutMs ?? 15000,
    });
  } catch (failure: unknown) {
    // Alipay rejects non-2xx answers (error 19) but still hands over status, body and headers.
    if (isRecord(failure) && typeof failure.status === 'number' && failure.status >= 400) {
      const failedHeaders = isRecord(failure.headers) ? failure.headers : undefined;
      if (failure.status === 401) forgetRefused();
      throw toApiError(failure.status, parseBody(failure.data), failedHeaders);
    }
    throw new ApiError({ status: 0, code: 'NETWORK_ERROR', message: NETWORK_MESSAGE });
  }

  const headersOut = (response.header ?? {}) as Record<string, unknown>;
  const data = parseBody(response.data);
  if (response.statusCode >= 200 && response.statusCode < 300) {
    return { status: response.statusCode, data: data as T, headers: headersOut };
  }
  if (response.statusCode === 401) forgetRefused();
  throw toApiError(response.statusCode, data, headersOut);
}

export interface UploadOptions {
  /** Path under /api/v1. */
  path: string;
  filePath: string;
  /** The multipart field of the file. */
  name: string;
  fileName?: string;
  formData?: Record<string, string>;
  /** 0–100 as the bytes leave. */
  onProgress?: (percent: number) => void;
}

/**
 * One multipart upload (an ID photo) through Taro.uploadFile, with the same session handling and the
 * same ApiError as request(): waits for the session, renews the token once after a 401.
 */
export async function upload<T>(options: UploadOptions): Promise<ApiResponse<T>> {
  const handler = sessionHandler;
  if (handler) await handler.ensure();
  const sentToken = getAccessToken();
  try {
    return await sendUpload<T>(options);
  } catch (error: unknown) {
    if (!handler || !(error instanceof ApiError) || error.status !== 401) throw error;
    await handler.renew(sentToken);
    return sendUpload<T>(options);
  }
}

function sendUpload<T>(options: UploadOptions): Promise<ApiResponse<T>> {
  return new Promise((resolve, reject) => {
    const task = Taro.uploadFile({
      url: apiUrl(options.path),
      filePath: options.filePath,
      name: options.name,
      // H5 needs a file name for the multipart part; mini programs ignore it.
      ...(options.fileName ? { fileName: options.fileName } : {}),
      formData: options.formData,
      header: baseHeaders(true),
      timeout: 60000,
      success: (res) => {
        const data = parseBody(res.data);
        if (res.statusCode >= 200 && res.statusCode < 300) {
          resolve({
            status: res.statusCode,
            data: data as T,
            headers: (res as { header?: Record<string, unknown> }).header ?? {},
          });
        } else {
          if (res.statusCode === 401) clearAccessToken();
          reject(toApiError(res.statusCode, data));
        }
      },
      fail: (failure: unknown) => {
        if (isRecord(failure) && typeof failure.statusCode === 'number' && failure.statusCode >= 400) {
          reject(toApiError(failure.statusCode, parseBody(failure.data)));
          return;
        }
        reject(new ApiError({ status: 0, code: 'NETWORK_ERROR', message: NETWORK_MESSAGE }));
      },
    } as Taro.uploadFile.Option);
    task?.onProgressUpdate?.((p) => options.onProgress?.(p.progress));
  });
}
