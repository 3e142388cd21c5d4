import type { Config } from '../../../config';
import type { IdentityProvider } from './identity/identity-provider';
import { createAlipayIdentity } from './identity/alipay.identity';
import { createWechatIdentity } from './identity/wechat.identity';
import { createZhelibanIdentity } from './identity/zheliban.identity';

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
