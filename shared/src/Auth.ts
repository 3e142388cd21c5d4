import { z } from 'zod';
import { DEPARTMENT_CODES } from './items';
import { choice, strict, text } from './schema-kit';

export const LOGIN_PLATFORMS = ['wechat', 'alipay', 'zheliban', 'dev'] as const;
export type LoginPlatform = (typeof LOGIN_PLATFORMS)[number];

/** `POST /api/v1/auth/login`: the platform's one-time login code (with `dev`, the name of a demo parent). */
export const LoginInput = strict(
  {
    platform: choice(LOGIN_PLATFORMS, '登录方式不正确，请关闭后重新进入。'),
    code: text('登录凭证', { max: 512, required: '缺少登录凭证，请关闭后重新进入。' }),
  },
  '登录信息',
);
export type LoginInput = z.infer<typeof LoginInput>;

/** `POST /api/v1/auth/refresh`. */
export const RefreshInput = strict(
  { refreshToken: text('刷新凭证', { max: 512, required: '登录已过期，请重新登录。' }) },
  '刷新信息',
);
export type RefreshInput = z.infer<typeof RefreshInput>;

/** `POST /api/v1/dept/auth/token` and the operators' equivalent: client credentials of a service account. */
export const ClientCredentialsInput = strict(
  {
    clientId: text('clientId', { max: 200 }),
    clientSecret: text('clientSecret', { max: 500 }),
  },
  '客户端凭证',
);
export type ClientCredentialsInput = z.infer<typeof ClientCredentialsInput>;

export const ROLES = ['parent', 'department', 'operator'] as const;
export type Role = (typeof ROLES)[number];

/** The answer of every token endpoint; `refreshToken` only for parents, `department` only for departments. */
export const TokenResponse = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  /** Seconds. */
  expiresIn: z.number().int().positive(),
  refreshToken: z.string().optional(),
  role: z.enum(ROLES),
  department: z.enum(DEPARTMENT_CODES).optional(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;
