import { z } from 'zod';
import { DEPARTMENT_CODES, PHYSICAL_ITEM_KEYS, type ItemKey } from './items';
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

/**
 * What the identity provider verified about the parent who logged in (浙里办 real-name SSO; a demo person
 * with dev login), **masked**: `林*雯`, `139****1234`. The app shows it; the real values stay sealed in the
 * BFF, which writes them into a draft only when the parent asks (`POST /api/v1/applications/:id/verified-identity`).
 */
export const VerifiedIdentity = z.object({
  source: z.enum(['zheliban', 'dev']),
  name: z.string().optional(),
  phone: z.string().optional(),
});
export type VerifiedIdentity = z.infer<typeof VerifiedIdentity>;

/** Where a verified identity may be written: a parent's name and phone, or a mailed document's recipient. */
export type IdentityFillTarget = 'mother' | 'father' | `delivery.${ItemKey}`;
export const IDENTITY_FILL_TARGETS: readonly IdentityFillTarget[] = [
  'mother',
  'father',
  ...PHYSICAL_ITEM_KEYS.map((key) => `delivery.${key}` as const),
];
const isFillTarget = (value: string): value is IdentityFillTarget => (IDENTITY_FILL_TARGETS as readonly string[]).includes(value);

/** `POST /api/v1/applications/:id/verified-identity` (with `If-Match`): fill these parts of the draft. */
export const IdentityFillInput = strict(
  {
    into: z
      .array(
        z
          .string({ error: '只能把实名信息填入母亲、父亲或邮寄收件人。' })
          .refine(isFillTarget, { error: '只能把实名信息填入母亲、父亲或邮寄收件人。' }),
        { error: '请说明要把实名信息填到哪里。' },
      )
      .min(1, { error: '请说明要把实名信息填到哪里。' })
      .max(IDENTITY_FILL_TARGETS.length, { error: '填入的位置太多了。' }),
  },
  '实名信息填写',
);
export type IdentityFillInput = z.infer<typeof IdentityFillInput>;

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
  /** Parents only, when the identity provider verified a name or phone: masked. */
  identity: VerifiedIdentity.optional(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;
