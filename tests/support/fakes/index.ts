// Local fakes of the outside systems, one per provider, each on 127.0.0.1 with a random port. They check
// requests the way the real provider does (signatures, credentials, required parameters) and answer in
// the provider's real format with its real error codes. Use them in API tests as the adapters' base URLs.
export { startFakeServer, type FakeServer, type ProviderFake, type RecordedRequest, type Reply } from './fake-server';
export { startWechatFake, type WechatFake, type WechatFakeOptions, type WechatSentMessage } from './wechat.fake';
export {
  startAlipayFake,
  alipayTestKeys,
  alipayCertSn,
  type AlipayFake,
  type AlipayFakeOptions,
  type AlipayKeys,
  type AlipayError,
  type AlipaySentMessage,
} from './alipay.fake';
export { startZhelibanFake, ZHELIBAN_FAKE_PATHS, type ZhelibanFake, type ZhelibanFakeOptions } from './zheliban.fake';
export { startAliyunSmsFake, type AliyunSmsFake, type AliyunSmsFakeOptions, type AliyunSentSms } from './aliyun-sms.fake';
export { startTencentSmsFake, type TencentSmsFake, type TencentSmsFakeOptions, type TencentSentSms } from './tencent-sms.fake';
export { startLicenceFake, LICENCE_FAKE_PATH, type LicenceFake } from './licence.fake';
export { alipayTestCerts, type AlipayTestCerts } from './alipay-certs';
