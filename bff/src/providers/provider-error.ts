// The one error every adapter to an outside system throws. Callers branch on `kind` and `retryable`
// (the outbox relay retries only retryable ones); `providerCode` keeps the provider's own code for
// operators. The message is built here from those three fields only: providers echo request data
// in their messages (Aliyun and Alipay echo the whole string-to-sign, phone number and login code
// included), so no provider text and no personal data ever reaches an error message.

export type ProviderErrorKind =
  'invalid_credentials' | 'invalid_code' | 'user_refused' | 'rate_limited' | 'unavailable' | 'bad_request' | 'unknown';

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

/** A code-to-outcome table row: what a provider code means for us. */
export type ErrorMapping = { kind: ProviderErrorKind; retryable: boolean };

export const RETRY = {
  unavailable: { kind: 'unavailable', retryable: true },
  rateLimited: { kind: 'rate_limited', retryable: true },
} as const satisfies Record<string, ErrorMapping>;
