import { ConfigError, type Config } from '../../../config';
import { createChannelFormats, parsePushTemplates } from '../components/notifications/notification.formats';
import type { ChannelFormats } from '../components/notifications/notifications.notifier';
import type { NoticeSettings } from '../components/tasks/events';
import type { FieldCrypto } from '../libraries/crypto';
import type { Connection } from 'mongoose';
import type { AlipayGatewayConfig } from './alipay/alipay-gateway';
import { createAlipayPush } from './push/alipay.push';
import type { PushProvider } from './push/push-provider';
import { createWechatPush } from './push/wechat.push';
import { createWechatTokenHolder } from './push/wechat-token-holder';
import type { IdentityProvider } from './identity/identity-provider';
import { createAlipayIdentity } from './identity/alipay.identity';
import { createWechatIdentity } from './identity/wechat.identity';
import { createZhelibanIdentity } from './identity/zheliban.identity';
import { createAliyunSms } from './sms/aliyun.sms';
import type { SmsProvider } from './sms/sms-provider';
import { createTencentSms } from './sms/tencent.sms';

type Platform = 'wechat' | 'alipay' | 'zheliban';

/**
 * The Alipay gateway settings, in certificate mode when the three certificates are set (each PEM text or
 * a file path), else in public-key mode; undefined when the credentials are incomplete.
 */
export function alipayGatewayFromConfig(config: Config): AlipayGatewayConfig | undefined {
  if (!config.ALIPAY_GATEWAY || !config.ALIPAY_APP_ID || !config.ALIPAY_PRIVATE_KEY) return undefined;
  const base = {
    baseUrl: config.ALIPAY_GATEWAY,
    appId: config.ALIPAY_APP_ID,
    privateKeyPem: config.ALIPAY_PRIVATE_KEY,
    timeoutMs: config.PROVIDER_TIMEOUT_MS,
  };
  const { ALIPAY_APP_CERT: app, ALIPAY_PUBLIC_CERT: pub, ALIPAY_ROOT_CERT: root } = config;
  if (app && pub && root) {
    const isPem = (v: string) => v.includes('-----BEGIN');
    return {
      ...base,
      certificates: isPem(app)
        ? { appCertContent: app, alipayPublicCertContent: pub, alipayRootCertContent: root }
        : { appCertPath: app, alipayPublicCertPath: pub, alipayRootCertPath: root },
    };
  }
  return config.ALIPAY_PUBLIC_KEY ? { ...base, alipayPublicKeyPem: config.ALIPAY_PUBLIC_KEY } : undefined;
}

/** The login adapters whose credentials are configured; a platform without them answers 503 at login. */
export function identityProvidersFromConfig(config: Config): Partial<Record<Platform, IdentityProvider>> {
  const out: Partial<Record<Platform, IdentityProvider>> = {};
  const timeoutMs = config.PROVIDER_TIMEOUT_MS;
  if (config.WECHAT_API_BASE && config.WECHAT_APP_ID && config.WECHAT_APP_SECRET) {
    out.wechat = createWechatIdentity({
      baseUrl: config.WECHAT_API_BASE,
      appId: config.WECHAT_APP_ID,
      appSecret: config.WECHAT_APP_SECRET,
      timeoutMs,
    });
  }
  const alipay = alipayGatewayFromConfig(config);
  if (alipay) out.alipay = createAlipayIdentity(alipay);
  if (config.ZHELIBAN_GATEWAY && config.ZHELIBAN_ACCESS_KEY && config.ZHELIBAN_SECRET_KEY) {
    out.zheliban = createZhelibanIdentity({
      baseUrl: config.ZHELIBAN_GATEWAY,
      accessKey: config.ZHELIBAN_ACCESS_KEY,
      secretKey: config.ZHELIBAN_SECRET_KEY,
      appId: config.ZHELIBAN_APP_ID,
      timeoutMs,
    });
  }
  return out;
}

/** Parses CALENDAR_OVERRIDES (`YYYY-MM-DD:workday|holiday,…`, already checked by the config schema). */
export function calendarOverridesFromConfig(config: Config): Record<string, 'workday' | 'holiday'> {
  return Object.fromEntries(
    (config.CALENDAR_OVERRIDES ?? '')
      .split(',')
      .filter(Boolean)
      .map((e) => e.split(':') as [string, 'workday' | 'holiday']),
  );
}

/** The signature dev SMS show when SMS_SIGN_NAME is unset (a real vendor requires SMS_SIGN_NAME). */
export const DEV_SMS_SIGN_NAME = '出生一件事';

/** What notices take from configuration: the §6.3.3 payment prompt's amount and deadline. */
export function noticeSettingsFromConfig(config: Config): NoticeSettings {
  return {
    ...(config.MEDICAL_INSURANCE_FEE ? { medicalInsuranceFee: config.MEDICAL_INSURANCE_FEE } : {}),
    medicalInsurancePayWithinDays: config.MEDICAL_INSURANCE_PAY_WITHIN_DAYS,
  };
}

/**
 * The notifier's formats for the configured channels: SMS fitted to one segment for the SMS vendor (the
 * dev inbox gets the whole text), push mapped onto `platform`'s configured templates (PUSH_TEMPLATES), or
 * title and body for the dev push. A notice whose template has no configured vendor template sends nothing
 * on that channel.
 */
export function channelFormatsFromConfig(config: Config): Record<'dev' | 'wechat' | 'alipay', Required<ChannelFormats>> {
  const { templates, problems } = parsePushTemplates(config.PUSH_TEMPLATES);
  if (problems.length) throw new ConfigError(problems.join('; '));
  const vendor = config.SMS_VENDOR === 'aliyun' || config.SMS_VENDOR === 'tencent' ? config.SMS_VENDOR : 'dev';
  const sms = {
    vendor,
    signName: config.SMS_SIGN_NAME ?? DEV_SMS_SIGN_NAME,
    templates: config.SMS_TEMPLATES ? (JSON.parse(config.SMS_TEMPLATES) as Record<string, string>) : undefined,
  } as const;
  const forPlatform = (platform: 'dev' | 'wechat' | 'alipay') =>
    createChannelFormats({
      push: platform === 'dev' ? { platform } : { platform, templates: templates[platform] ?? {} },
      sms,
    });
  return { dev: forPlatform('dev'), wechat: forPlatform('wechat'), alipay: forPlatform('alipay') };
}

/**
 * The SMS channel SMS_VENDOR asks for: 'dev' (the dev inbox, outside production), none, or a real vendor.
 * What each notice says by SMS (the vendor's approved template, or none) is `channelFormatsFromConfig`'s.
 */
export function smsChannelFromConfig(config: Config): 'dev' | null | Pick<SmsProvider, 'send'> {
  if (config.SMS_VENDOR === 'dev') return config.NODE_ENV === 'production' ? null : 'dev';
  if (config.SMS_VENDOR === 'off') return null;
  const timeoutMs = config.PROVIDER_TIMEOUT_MS;
  if (config.SMS_VENDOR === 'aliyun') {
    return createAliyunSms({
      endpoint: config.SMS_ENDPOINT!,
      accessKeyId: config.SMS_ACCESS_KEY_ID!,
      accessKeySecret: config.SMS_ACCESS_KEY_SECRET!,
      signName: config.SMS_SIGN_NAME!,
      timeoutMs,
    });
  }
  return createTencentSms({
    endpoint: config.SMS_ENDPOINT!,
    secretId: config.SMS_ACCESS_KEY_ID!,
    secretKey: config.SMS_ACCESS_KEY_SECRET!,
    sdkAppId: config.SMS_SDK_APP_ID!,
    signName: config.SMS_SIGN_NAME!,
    region: config.SMS_REGION,
    timeoutMs,
  });
}

/**
 * The subscribe-message senders whose credentials are configured (the same keys as login). WeChat's
 * access token is held in the database for every process (wechat-token-holder.ts).
 */
export function pushProvidersFromConfig(
  config: Config,
  deps: { connection: Connection; crypto: FieldCrypto },
): Partial<Record<'wechat' | 'alipay', PushProvider>> {
  const out: Partial<Record<'wechat' | 'alipay', PushProvider>> = {};
  const timeoutMs = config.PROVIDER_TIMEOUT_MS;
  if (config.WECHAT_API_BASE && config.WECHAT_APP_ID && config.WECHAT_APP_SECRET) {
    const wechat = {
      baseUrl: config.WECHAT_API_BASE,
      appId: config.WECHAT_APP_ID,
      appSecret: config.WECHAT_APP_SECRET,
      timeoutMs,
    };
    out.wechat = createWechatPush({ ...wechat, tokens: createWechatTokenHolder({ ...wechat, ...deps }) });
  }
  const alipay = alipayGatewayFromConfig(config);
  if (alipay) out.alipay = createAlipayPush(alipay);
  return out;
}
