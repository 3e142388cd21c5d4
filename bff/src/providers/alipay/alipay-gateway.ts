// Alipay OpenAPI 2.0 gateway client (POST {baseUrl}/gateway.do), shared by the login and the message
// adapters. Protocol as documented in "公共请求参数 / 公共响应参数 / 公共错误码" (opendocs.alipay.com/common/02km9f)
// and implemented by the official alipay-sdk-nodejs: system parameters in the query string, API
// parameters and biz_content in a form body, RSA2 over all of them; the response node is verified
// against the Alipay public key before anything in it is trusted.
import { httpStatusError, joinUrl, providerFetch } from '../http';
import { ProviderError, type ErrorMapping } from '../provider-error';
import { alipaySign, alipayTimestamp, alipayVerify, loadPrivateKey, loadPublicKey, rawJsonMember } from '../signing/alipay-rsa2';

export const ALIPAY_PROVIDER = 'alipay';

export interface AlipayGatewayConfig {
  /** e.g. https://openapi.alipay.com (the adapter appends /gateway.do). */
  baseUrl: string;
  appId: string;
  /** The app private key, PEM or Alipay's bare base64 (PKCS#8 or PKCS#1). */
  privateKeyPem: string;
  /** The Alipay public key of this app (not the app public key), PEM or bare base64. */
  alipayPublicKeyPem: string;
  timeoutMs: number;
}

// Parameters the official SDKs put in the URL; everything else travels in the form body.
const URL_PARAMS = new Set([
  'app_id',
  'method',
  'format',
  'charset',
  'sign_type',
  'sign',
  'timestamp',
  'version',
  'app_auth_token',
]);

export type AlipayNode = Record<string, unknown> & { code?: string; msg?: string; sub_code?: string; sub_msg?: string };

export interface AlipayCall {
  /** API-level parameters outside biz_content (alipay.system.oauth.token takes grant_type and code there). */
  params?: Record<string, string>;
  bizContent?: Record<string, unknown>;
  /** Maps a business failure (code 40004 and others) of this API; return undefined to use the common table. */
  mapError?: (code: string, subCode: string) => ErrorMapping | undefined;
}

export interface AlipayGateway {
  call(method: string, call: AlipayCall): Promise<AlipayNode>;
}

/** The common gateway codes ("公共错误码"): what they mean whatever the API. */
export function commonAlipayMapping(code: string, subCode: string): ErrorMapping {
  switch (code) {
    case '20000': // 服务不可用: isp.unknow-error, aop.unknow-error
      return { kind: 'unavailable', retryable: true };
    case '20001': // 授权权限不足: aop.invalid-auth-token …
    case '40006': // 权限不足: isv.insufficient-isv-permissions …
      return { kind: 'invalid_credentials', retryable: false };
    case '40001': // 缺少必选参数
      return subCode === 'isv.missing-signature-key' || subCode === 'isv.missing-signature-config'
        ? { kind: 'invalid_credentials', retryable: false }
        : { kind: 'bad_request', retryable: false };
    case '40002': // 非法的参数
      if (subCode === 'isv.code-invalid') return { kind: 'invalid_code', retryable: false };
      if (/^isv\.invalid-(signature|app-id|signature-type|app-auth-token|encrypt)/.test(subCode)) {
        return { kind: 'invalid_credentials', retryable: false };
      }
      return { kind: 'bad_request', retryable: false };
    default:
      return { kind: 'unknown', retryable: false };
  }
}

export function createAlipayGateway(config: AlipayGatewayConfig): AlipayGateway {
  const privateKey = loadPrivateKey(config.privateKeyPem);
  const alipayPublicKey = loadPublicKey(config.alipayPublicKeyPem);
  const gatewayUrl = joinUrl(config.baseUrl, '/gateway.do');

  return {
    async call(method, call) {
      const params: Record<string, string> = {
        app_id: config.appId,
        method,
        format: 'JSON',
        charset: 'utf-8',
        sign_type: 'RSA2',
        timestamp: alipayTimestamp(new Date()),
        version: '1.0',
        ...call.params,
      };
      if (call.bizContent) params.biz_content = JSON.stringify(call.bizContent);
      params.sign = alipaySign(params, privateKey);

      const query = new URLSearchParams();
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(params)) (URL_PARAMS.has(k) ? query : form).append(k, v);

      const res = await providerFetch(ALIPAY_PROVIDER, `${gatewayUrl}?${query.toString()}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', accept: 'application/json' },
        body: form.toString(),
        timeoutMs: config.timeoutMs,
      });
      if (res.status !== 200) throw httpStatusError(ALIPAY_PROVIDER, res.status);

      const responseKey = `${method.replace(/\./g, '_')}_response`;
      const raw = rawJsonMember(res.text, responseKey) ?? rawJsonMember(res.text, 'error_response');
      const rawSign = rawJsonMember(res.text, 'sign');
      let node: AlipayNode;
      let sign: string | undefined;
      try {
        if (raw === undefined) throw new Error('no response node');
        node = JSON.parse(raw) as AlipayNode;
        sign = rawSign === undefined ? undefined : (JSON.parse(rawSign) as string);
      } catch {
        throw httpStatusError(ALIPAY_PROVIDER, res.status, 'BAD_RESPONSE');
      }
      const failed = node.code !== undefined && node.code !== '10000';

      // A signed node must verify. An unsigned node is accepted only as a failure (the gateway leaves
      // some errors unsigned); an unsigned success could be forged, so it is refused.
      if (sign !== undefined ? !alipayVerify(raw!, sign, alipayPublicKey) : !failed) {
        throw new ProviderError({
          provider: ALIPAY_PROVIDER,
          kind: 'invalid_credentials',
          providerCode: 'RESPONSE_SIGNATURE_INVALID',
          retryable: false,
          hint: 'response signature does not verify with the configured Alipay public key',
        });
      }

      if (failed) {
        const code = String(node.code);
        const subCode = typeof node.sub_code === 'string' ? node.sub_code : '';
        const mapping = call.mapError?.(code, subCode) ?? commonAlipayMapping(code, subCode);
        throw new ProviderError({ provider: ALIPAY_PROVIDER, ...mapping, providerCode: subCode ? `${code}:${subCode}` : code });
      }
      return node;
    },
  };
}
