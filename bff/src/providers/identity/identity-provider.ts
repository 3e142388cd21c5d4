/** What a login adapter gives back: the platform's stable id for this user in our app. */
export interface IdentityClaims {
  /** WeChat openid, Alipay user_id (or open_id), 浙里办 userId. */
  subject: string;
  unionId?: string;
  /** The real name the platform verified (浙里办 real-name accounts). Personal data: never logged. */
  displayName?: string;
  /** The mobile number the platform verified (浙里办). Personal data: never logged. */
  phone?: string;
}

/**
 * Exchanges a one-time login code from the app (wx.login code, my.getAuthCode authCode, 浙里办 ticketId)
 * for the user's identity. Throws ProviderError; never logs the code or the provider's answer.
 */
export interface IdentityProvider {
  platform: 'wechat' | 'alipay' | 'zheliban';
  exchange(code: string): Promise<IdentityClaims>;
}
