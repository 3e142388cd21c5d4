// 浙里办 unified single sign-on (IRS component "浙里办统一单点登录", used by H5 micro-apps through
// ZWJSBridge.ssoTicket), called through the IRS business-collaboration gateway:
//   1. POST {baseUrl}/restapi/prod/IC33000020220329000007/uc/sso/access_token  { ticketId, appId }
//        → { success, data: { accessToken }, errorCode, errorMsg }
//   2. POST {baseUrl}/restapi/prod/IC33000020220329000008/uc/sso/getUserInfo   { token }
//        → { success, data: { userType, personInfo: { userId, userName, phone, idNo, … } }, errorCode, errorMsg }
// each signed with the gateway's X-BG-HMAC-* headers (see ../signing/irs-hmac.ts).
// baseUrl: https://ibcdsg.zj.gov.cn:8443 (internet) or https://bcdsg.zj.gov.cn:8443 (government extranet).
//
// What is inferred rather than read in an official document (浙里办's own documents are not public):
// the paths, bodies and response envelope come from the 浙里办-IRS接入手册 as republished by integrators
// and from their open-source clients (zhusaidong/zjzwfw-spring-boot-starter); the error codes
// C-USER-SSO-TICKET-INVALID / -TOKEN-INVALID / -USER-EMPTY from that client; that business errors come
// with HTTP 200 is assumed. The gateway's own 401 answers ({"message":"Invalid signature"} …) are
// documented in the manual. The older personal SSO ("method=ticketValidation", servicecode + md5 sign at
// …/IC33000020220228000002/sso/servlet/simpleauth) is the 政务服务网 PC flow and is not used here.
import { httpStatusError, joinUrl, parseJsonBody, providerFetch } from '../http';
import { ProviderError, type ErrorMapping } from '../provider-error';
import { irsGatewayRejection, irsHeaders } from '../signing/irs-hmac';
import type { IdentityProvider } from './identity-provider';

const PROVIDER = 'zheliban';
export const ZHELIBAN_ACCESS_TOKEN_PATH = '/restapi/prod/IC33000020220329000007/uc/sso/access_token';
export const ZHELIBAN_USER_INFO_PATH = '/restapi/prod/IC33000020220329000008/uc/sso/getUserInfo';

export interface ZhelibanIdentityConfig {
  baseUrl: string;
  /** IRS component AK (X-BG-HMAC-ACCESS-KEY). */
  accessKey: string;
  /** IRS component SK. */
  secretKey: string;
  timeoutMs: number;
  /** The app's IRS 应用发布 appId; sent with the ticket when configured. */
  appId?: string;
}

const SSO_ERRORS: Record<string, ErrorMapping> = {
  'C-USER-SSO-TICKET-INVALID': { kind: 'invalid_code', retryable: false },
  'C-USER-SSO-TOKEN-INVALID': { kind: 'invalid_code', retryable: false },
  'C-USER-SSO-USER-EMPTY': { kind: 'unknown', retryable: false },
};

type Envelope<T> = { success?: boolean; errorCode?: string; errorMsg?: string; data?: T };

export function createZhelibanIdentity(config: ZhelibanIdentityConfig): IdentityProvider {
  async function post<T>(path: string, body: Record<string, string>): Promise<T> {
    const url = joinUrl(config.baseUrl, path);
    const res = await providerFetch(PROVIDER, url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...irsHeaders('POST', url, config.accessKey, config.secretKey, new Date()) },
      body: JSON.stringify(body),
      timeoutMs: config.timeoutMs,
    });
    if (res.status === 401) throw irsGatewayRejection(PROVIDER, res.text);
    if (res.status !== 200) throw httpStatusError(PROVIDER, res.status);
    const envelope = parseJsonBody<Envelope<T>>(PROVIDER, res);
    if (envelope.success !== true || envelope.data === undefined || envelope.data === null) {
      const code = typeof envelope.errorCode === 'string' && envelope.errorCode ? envelope.errorCode : 'UNSUCCESSFUL';
      throw new ProviderError({
        provider: PROVIDER,
        ...(SSO_ERRORS[code] ?? { kind: 'unknown', retryable: false }),
        providerCode: code,
      });
    }
    return envelope.data;
  }

  return {
    platform: 'zheliban',
    async exchange(ticketId) {
      if (!ticketId)
        throw new ProviderError({ provider: PROVIDER, kind: 'invalid_code', providerCode: 'EMPTY_CODE', retryable: false });
      const token = await post<{ accessToken?: string }>(ZHELIBAN_ACCESS_TOKEN_PATH, {
        ticketId,
        ...(config.appId ? { appId: config.appId } : {}),
      });
      if (!token.accessToken) throw badResponse('no accessToken');
      const info = await post<{
        userType?: string;
        userId?: string;
        personInfo?: { userId?: string; userName?: string; phone?: string };
      }>(ZHELIBAN_USER_INFO_PATH, { token: token.accessToken });
      const subject = info.personInfo?.userId ?? info.userId;
      if (!subject) throw badResponse('no userId');
      // The real-name account's name and mobile, used only to prefill the parent's own form (masked to the app).
      const displayName = info.personInfo?.userName;
      const phone = info.personInfo?.phone;
      return {
        subject,
        ...(typeof displayName === 'string' && displayName ? { displayName } : {}),
        ...(typeof phone === 'string' && phone ? { phone } : {}),
      };
    },
  };
}

function badResponse(hint: string): ProviderError {
  return new ProviderError({ provider: PROVIDER, kind: 'unknown', providerCode: 'BAD_RESPONSE', retryable: false, hint });
}
