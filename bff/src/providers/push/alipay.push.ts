// Alipay mini-program subscribe message, sent with alipay.open.app.mini.templatemessage.send through the
// OpenAPI gateway. Alipay's subscribe-message guide (my.requestSubscribeMessage, opendocs.alipay.com/mini/
// 02cth2) names this API as the server-side sender; alipay.open.app.messagetemplate.subscribe.* only
// queries subscription state. biz_content: { to_user_id | to_open_id, user_template_id, page, data },
// data being a JSON string of { keyword: { value } }; form_id is for the retired form/trade template
// messages and is not sent. Success is code 10000 with no message id.
// Business failures (code 40004) documented in Alipay's support pages: USER_TEMPLATE_ILLEGAL,
// USER_TEMPLATE_LACK_KEYWORD, USER_KEYWORD_LENGTH_ERROR, FORM_ID_*, TRADE_NO_NOT_MATCH_USERID.
// NOT found in public documentation: the sub_code for "the user has no (remaining) subscription". The
// mapping below treats any sub_code mentioning SUBSCRIBE as user_refused; that is an inference.
import { createAlipayGateway, type AlipayGatewayConfig } from '../alipay/alipay-gateway';
import type { ErrorMapping } from '../provider-error';
import type { PushProvider } from './push-provider';

export type AlipayPushConfig = AlipayGatewayConfig;

export const ALIPAY_PUSH_BAD_REQUEST = new Set([
  'USER_TEMPLATE_ILLEGAL',
  'USER_TEMPLATE_LACK_KEYWORD',
  'USER_KEYWORD_LENGTH_ERROR',
  'FORM_ID_OVER_TIME',
  'FORM_ID_NOT_MATCH_APPID',
  'TRADE_NO_NOT_MATCH_USERID',
  'TINY_APP_ID_NULL',
]);

function mapPushError(code: string, subCode: string): ErrorMapping | undefined {
  if (code !== '40004') return undefined;
  if (subCode === 'TRADE_NO_NOT_MATCH_USERID') return { kind: 'recipient_invalid', retryable: false };
  if (ALIPAY_PUSH_BAD_REQUEST.has(subCode)) return { kind: 'template_invalid', retryable: false };
  if (/SUBSCRI/i.test(subCode)) return { kind: 'user_refused', retryable: false };
  return { kind: 'unknown', retryable: false };
}

/** Alipay user ids are 16 digits starting with 2088; anything else is an OpenID-scheme open_id. */
const isAlipayUserId = (id: string) => /^2088\d{12}$/.test(id);

export function createAlipayPush(config: AlipayPushConfig): PushProvider {
  const gateway = createAlipayGateway(config);
  return {
    channel: 'alipay',
    async send(msg) {
      await gateway.call('alipay.open.app.mini.templatemessage.send', {
        bizContent: {
          ...(isAlipayUserId(msg.toUser) ? { to_user_id: msg.toUser } : { to_open_id: msg.toUser }),
          user_template_id: msg.templateId,
          ...(msg.page ? { page: msg.page } : {}),
          data: JSON.stringify(Object.fromEntries(Object.entries(msg.data).map(([k, value]) => [k, { value }]))),
        },
        mapError: mapPushError,
      });
      return {};
    },
  };
}
