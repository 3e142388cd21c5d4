// The one error every adapter to an outside system throws. Callers branch on `kind` and `retryable`
// (the outbox relay retries only retryable ones); `providerCode` keeps the provider's own code for
// operators. The message is built here from those three fields only: providers echo request data
// in their messages (Aliyun and Alipay echo the whole string-to-sign, phone number and login code
// included), so no provider text and no personal data ever reaches an error message.

export type ProviderErrorKind =
  | 'invalid_credentials'
  | 'invalid_code'
  /** No (remaining) subscription, unsubscribed, or on the do-not-disturb list. */
  | 'user_refused'
  /** The recipient cannot be reached on this channel: an invalid phone number or openid. */
  | 'recipient_invalid'
  /** The message does not fit the approved template: template id, keyword, variable or signature. */
  | 'template_invalid'
  | 'rate_limited'
  | 'unavailable'
  | 'bad_request'
  | 'unknown';

export interface ProviderErrorInit {
  provider: string;
  kind: ProviderErrorKind;
  /** The provider's own error code (errcode, sub_code, Code…), or TIMEOUT / NETWORK / HTTP_<status> / BAD_RESPONSE. */
  providerCode: string;
  retryable: boolean;
  /** A fixed, adapter-written hint (never provider text, never request data). */
  hint?: string;
}

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly provider: string;
  readonly providerCode: string;
  readonly retryable: boolean;
  readonly kind: ProviderErrorKind;

  constructor(init: ProviderErrorInit) {
    super(`${init.provider}: ${init.kind} (${init.providerCode})${init.hint ? `: ${init.hint}` : ''}`);
    this.provider = init.provider;
    this.providerCode = init.providerCode;
    this.retryable = init.retryable;
    this.kind = init.kind;
  }
}

export function isProviderError(err: unknown): err is ProviderError {
  return err instanceof ProviderError;
}

/**
 * True when the provider itself answered that it did not do what was asked: its own error code or a 4xx.
 * A timeout, a network failure or a 5xx leaves the outcome unknown (the message may have gone out).
 */
export function providerRefused(err: unknown): boolean {
  if (!isProviderError(err)) return false;
  if (err.providerCode === 'TIMEOUT' || err.providerCode === 'NETWORK' || err.providerCode === 'BAD_RESPONSE') return false;
  const status = /^HTTP_(\d{3})$/.exec(err.providerCode);
  return !status || Number(status[1]) < 500;
}

/** A code-to-outcome table row: what a provider code means for us. */
export type ErrorMapping = { kind: ProviderErrorKind; retryable: boolean };

export const RETRY = {
  unavailable: { kind: 'unavailable', retryable: true },
  rateLimited: { kind: 'rate_limited', retryable: true },
} as const satisfies Record<string, ErrorMapping>;

/**
 * What a failed send means for the notice: `retry_later` (throttled, 5xx, timeout, network: the same
 * channel will likely take it later) or `next_channel` (this channel cannot deliver this notice to this
 * person — no subscription, invalid number, template error, bad credentials — so the notifier tries the
 * next channel now and does not retry this one). Anything that is not a ProviderError is our own failure
 * and is retried.
 */
export type SendOutcome = 'retry_later' | 'next_channel';

export function sendOutcome(err: unknown): SendOutcome {
  if (!isProviderError(err)) return 'retry_later';
  return err.retryable ? 'retry_later' : 'next_channel';
}

export const GIVE_UP = {
  userRefused: { kind: 'user_refused', retryable: false },
  recipientInvalid: { kind: 'recipient_invalid', retryable: false },
  templateInvalid: { kind: 'template_invalid', retryable: false },
} as const satisfies Record<string, ErrorMapping>;
