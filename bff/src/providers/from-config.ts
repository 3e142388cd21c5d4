import type { Config } from '../../../config';
import type { IdentityProvider } from './identity/identity-provider';
import { createAlipayIdentity } from './identity/alipay.identity';
import { createWechatIdentity } from './identity/wechat.identity';
import { createZhelibanIdentity } from './identity/zheliban.identity';
import { createAliyunSms } from './sms/aliyun.sms';
import type { SmsProvider } from './sms/sms-provider';
import { createTencentSms } from './sms/tencent.sms';

type Platform = 'wechat' | 'alipay' | 'zheliban';

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
  if (config.ALIPAY_GATEWAY && config.ALIPAY_APP_ID && config.ALIPAY_PRIVATE_KEY && config.ALIPAY_PUBLIC_KEY) {
    out.alipay = createAlipayIdentity({
      baseUrl: config.ALIPAY_GATEWAY,
      appId: config.ALIPAY_APP_ID,
      privateKeyPem: config.ALIPAY_PRIVATE_KEY,
      alipayPublicKeyPem: config.ALIPAY_PUBLIC_KEY,
      timeoutMs,
    });
  }
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

type SmsFormat = (notice: {
  template: string;
  title: string;
  body: string;
}) => { templateCode: string; params: Record<string, string> } | null;

/**
 * The SMS channel SMS_VENDOR asks for: 'dev' (the dev inbox, outside production), none, or a real vendor
 * with a format that maps each notice to the vendor's approved template (a notice without one sends no SMS).
 */
export function smsChannelFromConfig(config: Config): 'dev' | null | { provider: Pick<SmsProvider, 'send'>; format: SmsFormat } {
  if (config.SMS_VENDOR === 'dev') return config.NODE_ENV === 'production' ? null : 'dev';
  if (config.SMS_VENDOR === 'off') return null;
  const templates = JSON.parse(config.SMS_TEMPLATES!) as Record<string, string>; // checked by loadConfig
  const timeoutMs = config.PROVIDER_TIMEOUT_MS;
  if (config.SMS_VENDOR === 'aliyun') {
    return {
      provider: createAliyunSms({
        endpoint: config.SMS_ENDPOINT!,
        accessKeyId: config.SMS_ACCESS_KEY_ID!,
        accessKeySecret: config.SMS_ACCESS_KEY_SECRET!,
        signName: config.SMS_SIGN_NAME!,
        timeoutMs,
      }),
      format: (n) =>
        templates[n.template] ? { templateCode: templates[n.template], params: { title: n.title, body: n.body } } : null,
    };
  }
  return {
    provider: createTencentSms({
      endpoint: config.SMS_ENDPOINT!,
      secretId: config.SMS_ACCESS_KEY_ID!,
      secretKey: config.SMS_ACCESS_KEY_SECRET!,
      sdkAppId: config.SMS_SDK_APP_ID!,
      signName: config.SMS_SIGN_NAME!,
      region: config.SMS_REGION,
      timeoutMs,
    }),
    // Tencent templates are positional.
    format: (n) =>
      templates[n.template] ? { templateCode: templates[n.template], params: { '1': n.title, '2': n.body } } : null,
  };
}
