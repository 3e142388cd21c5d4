// Alipay mini-program login: alipay.system.oauth.token (换取授权访问令牌) through the OpenAPI gateway,
// grant_type=authorization_code with the authCode from my.getAuthCode
// (opendocs.alipay.com/apis/api_9/alipay.system.oauth.token). grant_type and code are API parameters
// outside biz_content. Success carries user_id (2088…) or, for apps on Alipay's OpenID scheme, open_id;
// a bad code answers error_response 40002 isv.code-invalid. The access/refresh tokens are dropped: we
// call no user-authorised API.
import { createAlipayGateway, type AlipayGatewayConfig } from '../alipay/alipay-gateway';
import { ProviderError } from '../provider-error';
import type { IdentityProvider } from './identity-provider';

export type AlipayIdentityConfig = AlipayGatewayConfig;

export function createAlipayIdentity(config: AlipayIdentityConfig): IdentityProvider {
  const gateway = createAlipayGateway(config);
  return {
    platform: 'alipay',
    async exchange(code) {
      if (!code)
        throw new ProviderError({ provider: 'alipay', kind: 'invalid_code', providerCode: 'EMPTY_CODE', retryable: false });
      const node = await gateway.call('alipay.system.oauth.token', {
        params: { grant_type: 'authorization_code', code },
        mapError: (_code, subCode) => (subCode === 'isv.code-invalid' ? { kind: 'invalid_code', retryable: false } : undefined),
      });
      const subject = [node.user_id, node.open_id].find((v): v is string => typeof v === 'string' && v.length > 0);
      if (!subject) {
        throw new ProviderError({
          provider: 'alipay',
          kind: 'unknown',
          providerCode: 'BAD_RESPONSE',
          retryable: false,
          hint: 'no user_id or open_id',
        });
      }
      return { subject };
    },
  };
}
