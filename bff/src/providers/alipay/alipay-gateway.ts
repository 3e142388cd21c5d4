// Alipay OpenAPI 2.0 gateway client (POST {baseUrl}/gateway.do), shared by the login and the message
// adapters, built on the official `alipay-sdk` (v4, AlipaySdk.exec): it signs the request (RSA2) and
// verifies the response signature, in public-key mode or public-key-certificate mode (app_cert_sn and
// alipay_root_cert_sn sent, the Alipay public key read from its certificate). What stays here: turning
// every outcome into a ProviderError without provider text (SDK messages quote the string it verified,
// which can hold user ids), the Beijing-time timestamp, and the code tables.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { AlipayRequestError, AlipaySdk, type AlipaySdkConfig } from 'alipay-sdk';
import { joinUrl } from '../http';
import { ProviderError, type ErrorMapping } from '../provider-error';

export const ALIPAY_PROVIDER = 'alipay';

/** Public-key-certificate mode: the three certificates Alipay issues, as PEM text or as file paths. */
export type AlipayCertificates =
  | { appCertContent: string; alipayPublicCertContent: string; alipayRootCertContent: string }
  | { appCertPath: string; alipayPublicCertPath: string; alipayRootCertPath: string };

export interface AlipayGatewayConfig {
  /** e.g. https://openapi.alipay.com (the adapter appends /gateway.do). */
  baseUrl: string;
  appId: string;
  /** The app private key, PEM or Alipay's bare base64 (PKCS#8 or PKCS#1). */
  privateKeyPem: string;
  /** Public-key mode: the Alipay public key of this app (not the app public key), PEM or bare base64. */
  alipayPublicKeyPem?: string;
  /** Certificate mode (instead of alipayPublicKeyPem). */
  certificates?: AlipayCertificates;
  timeoutMs: number;
}

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
      if (/^isv\.invalid-(signature|app-id|signature-type|app-auth-token|encrypt|cert)/.test(subCode)) {
        return { kind: 'invalid_credentials', retryable: false };
      }
      return { kind: 'bad_request', retryable: false };
    default:
      return { kind: 'unknown', retryable: false };
  }
}

/** Any accepted private key form as the PKCS#8 PEM the SDK is told to expect. */
function privateKeyPkcs8(pemOrBase64: string): string {
  const text = pemOrBase64.trim();
  const key = text.includes('-----BEGIN')
    ? createPrivateKey(text)
    : (() => {
        const der = Buffer.from(text.replace(/\s+/g, ''), 'base64');
        try {
          return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
        } catch {
          return createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
        }
      })();
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}

function publicKeyPem(pemOrBase64: string): string {
  const text = pemOrBase64.trim();
  const key = text.includes('-----BEGIN')
    ? createPublicKey(text)
    : createPublicKey({ key: Buffer.from(text.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
  return key.export({ type: 'spki', format: 'pem' }) as string;
}

/** Alipay's timestamp parameter: "yyyy-MM-dd HH:mm:ss" in Beijing time (the SDK would use the server's local zone). */
export function alipayTimestamp(date: Date): string {
  const beijing = new Date(date.getTime() + 8 * 3600_000).toISOString();
  return `${beijing.slice(0, 10)} ${beijing.slice(11, 19)}`;
}

const fail = (providerCode: string, mapping: ErrorMapping, hint?: string) =>
  new ProviderError({ provider: ALIPAY_PROVIDER, ...mapping, providerCode, ...(hint ? { hint } : {}) });

/** What an SDK exception means, from its kind only (its message quotes response data and is never used). */
function sdkFailure(err: unknown): ProviderError {
  const message = String((err as { message?: unknown } | undefined)?.message ?? '');
  const causeName = (err as { cause?: { name?: unknown; code?: unknown } })?.cause?.name;
  if (err instanceof AlipayRequestError) {
    if (message.startsWith('HttpClient Request error')) {
      const timeout = typeof causeName === 'string' && /timeout/i.test(causeName);
      return fail(timeout ? 'TIMEOUT' : 'NETWORK', { kind: 'unavailable', retryable: true });
    }
    const status = /status: (\d{3})/.exec(message)?.[1];
    if (status) {
      const n = Number(status);
      if (n === 429) return fail(`HTTP_${n}`, { kind: 'rate_limited', retryable: true });
      if (n >= 500) return fail(`HTTP_${n}`, { kind: 'unavailable', retryable: true });
      if (n === 401 || n === 403) return fail(`HTTP_${n}`, { kind: 'invalid_credentials', retryable: false });
      return fail(`HTTP_${n}`, { kind: 'unknown', retryable: false });
    }
    if (message.startsWith('验签失败')) {
      return fail(
        'RESPONSE_SIGNATURE_INVALID',
        { kind: 'invalid_credentials', retryable: false },
        'response signature does not verify with the configured Alipay public key',
      );
    }
    return fail('BAD_RESPONSE', { kind: 'unknown', retryable: false });
  }
  // An answer without a signature reaches node's verifier as `undefined` and throws a TypeError: the
  // answer is not trusted, whatever it says.
  // (Checked by name and code: node's own errors are not instances of another realm's TypeError.)
  if ((err as { code?: unknown })?.code === 'ERR_INVALID_ARG_TYPE' && /"signature"/.test(message)) {
    return fail('RESPONSE_SIGNATURE_INVALID', { kind: 'invalid_credentials', retryable: false }, 'response carries no signature');
  }
  return fail('SDK_ERROR', { kind: 'unknown', retryable: false });
}

function unverifiedFailure(err: unknown, method: string): AlipayNode | undefined {
  if (!(err instanceof AlipayRequestError) || !err.message.startsWith('验签失败') || typeof err.responseDataRaw !== 'string')
    return undefined;
  try {
    const body = JSON.parse(err.responseDataRaw) as Record<string, AlipayNode | undefined>;
    const node = body[`${method.replace(/\./g, '_')}_response`] ? undefined : body.error_response;
    return node && node.code !== undefined && node.code !== '10000' ? node : undefined;
  } catch {
    return undefined;
  }
}

export function createAlipayGateway(config: AlipayGatewayConfig): AlipayGateway {
  if (!config.alipayPublicKeyPem && !config.certificates)
    throw new Error('Alipay gateway: alipayPublicKeyPem or certificates is required');
  const sdkConfig: AlipaySdkConfig = {
    appId: config.appId,
    privateKey: privateKeyPkcs8(config.privateKeyPem),
    keyType: 'PKCS8',
    signType: 'RSA2',
    gateway: joinUrl(config.baseUrl, '/gateway.do'),
    endpoint: config.baseUrl,
    timeout: config.timeoutMs,
    // Field names exactly as Alipay sends them (user_id, sub_code).
    camelcase: false,
    ...(config.certificates ?? { alipayPublicKey: publicKeyPem(config.alipayPublicKeyPem!) }),
  };
  const sdk = new AlipaySdk(sdkConfig);

  return {
    async call(method, call) {
      let node: AlipayNode;
      try {
        node = (await sdk.exec(
          method,
          {
            ...call.params,
            // Overrides the SDK's own timestamp, which is in the server's local zone.
            timestamp: alipayTimestamp(new Date()),
            ...(call.bizContent ? { bizContent: call.bizContent } : {}),
          },
          // The SDK verifies only when asked; every answer is verified before anything in it is trusted.
          { validateSign: true },
        )) as AlipayNode;
      } catch (err) {
        // The SDK verifies only the `<method>_response` node, so a failure reported as `error_response`
        // (alipay.system.oauth.token does) never verifies. A failure is accepted unverified — forging one
        // only makes us give up a call — while a success always needs a valid signature.
        const failure = unverifiedFailure(err, method);
        if (!failure) throw sdkFailure(err);
        node = failure;
      }
      if (node.code !== undefined && node.code !== '10000') {
        const code = String(node.code);
        const subCode = typeof node.sub_code === 'string' ? node.sub_code : '';
        const mapping = call.mapError?.(code, subCode) ?? commonAlipayMapping(code, subCode);
        throw new ProviderError({ provider: ALIPAY_PROVIDER, ...mapping, providerCode: subCode ? `${code}:${subCode}` : code });
      }
      return node;
    },
  };
}
