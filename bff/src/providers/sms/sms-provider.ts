export interface SmsMessage {
  /** Mainland mobile number, 11 digits, optionally with +86. */
  phone: string;
  /** Aliyun "SMS_123456789" or Tencent numeric template id. */
  templateCode: string;
  /**
   * Template variables. Aliyun templates are named (${code}); Tencent templates are positional
   * ({1}, {2}…), so for Tencent the keys must be "1", "2", ….
   */
  params: Record<string, string>;
  /** Deterministic delivery key from the outbox, passed to the vendor as OutId / SessionContext. */
  idempotencyKey: string;
}

/** Throws ProviderError. Neither the phone number nor the content ever reaches an error or a log. */
export interface SmsProvider {
  vendor: 'aliyun' | 'tencent';
  send(msg: SmsMessage): Promise<{ providerMessageId?: string }>;
}
