export interface PushMessage {
  /** WeChat openid; Alipay user_id (2088…) or open_id. */
  toUser: string;
  templateId: string;
  /** Mini-program page opened from the message, e.g. "pages/application/detail?id=…". */
  page?: string;
  /** Template keywords to values, e.g. { thing1: '出生医学证明', time2: '2025-03-01 10:00' }. */
  data: Record<string, string>;
  /** Deterministic delivery key from the outbox; neither platform de-duplicates on it. */
  idempotencyKey: string;
}

/** A subscribe-message channel. Throws ProviderError (kind user_refused when the user has no subscription). */
export interface PushProvider {
  channel: 'wechat' | 'alipay';
  send(msg: PushMessage): Promise<{ providerMessageId?: string }>;
}
