import { z } from 'zod';
import { choice, strict, text } from './schema-kit';

/** The platforms whose subscribe-message prompts the app reports. */
export const SUBSCRIPTION_PLATFORMS = ['wechat', 'alipay'] as const;
export type SubscriptionPlatform = (typeof SUBSCRIPTION_PLATFORMS)[number];

/**
 * What the user chose for one template in `requestSubscribeMessage` (WeChat: accept / reject / ban /
 * filter; Alipay: the same words). `filter` (WeChat hid the prompt) counts as no answer and is not sent.
 */
export const SUBSCRIPTION_RESULTS = ['accept', 'reject', 'ban'] as const;
export type SubscriptionResult = (typeof SUBSCRIPTION_RESULTS)[number];

const TEMPLATE_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * `POST /api/v1/subscriptions`: the results of one subscription prompt. `code` is a fresh one-time login
 * code (wx.login / my.getAuthCode): the BFF exchanges it for the platform user id that messages are sent to,
 * and checks that it is the logged-in parent's own.
 */
export const SubscriptionInput = strict(
  {
    platform: choice(SUBSCRIPTION_PLATFORMS, '订阅平台不正确，应为 wechat 或 alipay。'),
    code: text('登录凭证', { max: 512, required: '缺少登录凭证，请重新打开小程序后再订阅。' }),
    results: z
      .array(
        strict(
          {
            templateId: text('模板编号', {
              max: 128,
              pattern: TEMPLATE_ID_PATTERN,
              patternMessage: '模板编号只能包含字母、数字、下划线和短横线。',
            }),
            result: choice(SUBSCRIPTION_RESULTS, '订阅结果不正确，应为 accept、reject 或 ban。'),
          },
          '订阅结果',
        ),
        { error: '请提供订阅结果列表。' },
      )
      .min(1, '请至少提供一个模板的订阅结果。')
      .max(20, '一次最多提交 20 个模板的订阅结果。'),
  },
  '订阅信息',
);
export type SubscriptionInput = z.infer<typeof SubscriptionInput>;

/** `POST /api/v1/applications/:id/phone-confirmations/confirm`: the 6-digit code the parent received. */
export const PhoneConfirmationInput = strict(
  {
    code: text('验证码', { max: 6, pattern: /^\d{6}$/, patternMessage: '验证码是 6 位数字，请检查后重新输入。' }),
  },
  '验证信息',
);
export type PhoneConfirmationInput = z.infer<typeof PhoneConfirmationInput>;

/** Unspent subscribe-message credits of the parent, one row per platform and template. */
export const SubscriptionBalance = z.array(
  z.strictObject({ platform: z.enum(SUBSCRIPTION_PLATFORMS), templateId: z.string(), credits: z.number().int().nonnegative() }),
);
/** `GET /api/v1/subscriptions`. */
export const SubscriptionsView = z.strictObject({ subscriptions: SubscriptionBalance });
export type SubscriptionsView = z.infer<typeof SubscriptionsView>;
/** `POST /api/v1/subscriptions` (201): how many credits this prompt added, and the balance after it. */
export const SubscriptionRecorded = z.strictObject({
  platform: z.enum(SUBSCRIPTION_PLATFORMS),
  accepted: z.number().int().nonnegative(),
  subscriptions: SubscriptionBalance,
});
export type SubscriptionRecorded = z.infer<typeof SubscriptionRecorded>;

/** A phone confirmation: the phone masked, whether it is confirmed, and until when a sent code is valid. */
export const PhoneConfirmationView = z.strictObject({
  sentTo: z.string(),
  confirmed: z.boolean(),
  expiresAt: z.string().optional(),
});
export type PhoneConfirmationView = z.infer<typeof PhoneConfirmationView>;
