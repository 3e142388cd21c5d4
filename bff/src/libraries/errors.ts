// One error type for everything the BFF answers on purpose. The error middleware turns an AppError into
// application/problem+json (RFC 9457); anything else becomes a 500 with no detail of the cause.

import type { FieldError } from '@birth/shared';

export type { FieldError };

export const ERROR_TITLES = {
  VALIDATION_FAILED: { status: 400, title: '提交的信息有误' },
  BAD_REQUEST: { status: 400, title: '请求有误' },
  UNAUTHENTICATED: { status: 401, title: '请先登录' },
  FORBIDDEN: { status: 403, title: '没有权限' },
  NOT_FOUND: { status: 404, title: '未找到' },
  METHOD_NOT_ALLOWED: { status: 405, title: '不支持的请求方法' },
  CONFLICT: { status: 409, title: '状态冲突' },
  NOT_IMPLEMENTED: { status: 501, title: '不支持的请求方法' },
  PRECONDITION_REQUIRED: { status: 428, title: '缺少版本信息' },
  PAYLOAD_TOO_LARGE: { status: 413, title: '内容过大' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: '不支持的内容类型' },
  UNPROCESSABLE: { status: 422, title: '无法处理' },
  PHOTO_UNREADABLE: { status: 400, title: '照片无法打开' },
  PHOTO_TOO_SMALL: { status: 422, title: '照片太小' },
  PHOTO_BLURRY: { status: 422, title: '照片模糊' },
  PHOTO_TOO_DARK: { status: 422, title: '照片太暗' },
  PHOTO_OVEREXPOSED: { status: 422, title: '照片过亮' },
  PHOTO_NOT_ID_CARD: { status: 422, title: '照片不像证件' },
  LICENCE_NOT_FOUND: { status: 422, title: '未找到电子证照' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: '重复的请求标识' },
  RATE_LIMITED: { status: 429, title: '请求过于频繁' },
  INTERNAL: { status: 500, title: '系统繁忙' },
  DEPENDENCY_UNAVAILABLE: { status: 503, title: '服务暂时不可用' },
  REQUEST_TIMEOUT: { status: 503, title: '处理超时' },
} as const;

export type ErrorCode = keyof typeof ERROR_TITLES;

export class AppError extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly code: ErrorCode,
    /** Chinese, something a parent (or an integrator) can act on. Never personal data. */
    readonly detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string>; [key: string]: unknown } = {},
  ) {
    super(`${code}: ${detail}`);
    this.status = ERROR_TITLES[code].status;
    this.title = ERROR_TITLES[code].title;
  }
}

export const notFound = (what = '该记录') => new AppError('NOT_FOUND', `${what}不存在或无权查看`);
export const validationFailed = (errors: FieldError[], detail = '请按提示修改后再提交') =>
  new AppError('VALIDATION_FAILED', detail, { errors });
