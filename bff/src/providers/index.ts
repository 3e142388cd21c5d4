// The outside world, one adapter per system. Each factory takes its part of the configuration and
// returns an object implementing one of the three interfaces; every failure is a ProviderError.
export { ProviderError, isProviderError, sendOutcome, type ProviderErrorKind, type SendOutcome } from './provider-error';
export type { IdentityProvider, IdentityClaims } from './identity/identity-provider';
export type { PushProvider, PushMessage } from './push/push-provider';
export type { SmsProvider, SmsMessage } from './sms/sms-provider';
export { createWechatIdentity, type WechatIdentityConfig } from './identity/wechat.identity';
export { createAlipayIdentity, type AlipayIdentityConfig } from './identity/alipay.identity';
export { createZhelibanIdentity, type ZhelibanIdentityConfig } from './identity/zheliban.identity';
export { createWechatPush, type WechatPushConfig } from './push/wechat.push';
export { createWechatTokenHolder, type WechatTokenHolderConfig } from './push/wechat-token-holder';
export { createAlipayPush, type AlipayPushConfig } from './push/alipay.push';
export { createAliyunSms, type AliyunSmsConfig } from './sms/aliyun.sms';
export { createTencentSms, type TencentSmsConfig } from './sms/tencent.sms';
