import { ProviderError } from './provider-error';

export interface ProviderResponse {
  status: number;
  headers: Headers;
  /** The raw body text: Alipay's response signature is over the exact bytes, so parse it only after. */
  text: string;
}

export interface ProviderRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

/**
 * Sends one request to an outside system with a hard deadline covering connect, headers and body.
 * A deadline passed or a connection failure becomes a retryable `unavailable` ProviderError.
 * The URL is never put into an error: some providers (WeChat) take the secret and the login code
 * in the query string.
 */
export async function providerFetch(provider: string, url: string, req: ProviderRequest): Promise<ProviderResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), req.timeoutMs);
  try {
    const res = await fetch(url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: controller.signal,
      // A provider answering with a redirect is not one we signed for; never follow it.
      redirect: 'error',
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text };
  } catch (err) {
    if (controller.signal.aborted) {
      throw new ProviderError({
        provider,
        kind: 'unavailable',
        providerCode: 'TIMEOUT',
        retryable: true,
        hint: `no answer within ${req.timeoutMs} ms`,
      });
    }
    const code = errnoOf(err);
    throw new ProviderError({
      provider,
      kind: 'unavailable',
      providerCode: 'NETWORK',
      retryable: true,
      hint: code ? `network error ${code}` : 'network error',
    });
  } finally {
    clearTimeout(timer);
  }
}

function errnoOf(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' && /^[A-Z_]+$/.test(cause.code) ? cause.code : undefined;
}

/** Parses a JSON body; anything else is a provider fault (retryable when the status says so). */
export function parseJsonBody<T>(provider: string, res: ProviderResponse): T {
  try {
    return JSON.parse(res.text) as T;
  } catch {
    throw httpStatusError(provider, res.status, 'BAD_RESPONSE');
  }
}

/** The outcome of an HTTP status that carries no provider code we understand. */
export function httpStatusError(provider: string, status: number, code = `HTTP_${status}`): ProviderError {
  if (status === 429) return new ProviderError({ provider, kind: 'rate_limited', providerCode: code, retryable: true });
  if (status >= 500 || status === 0)
    return new ProviderError({ provider, kind: 'unavailable', providerCode: code, retryable: true });
  if (status === 401 || status === 403)
    return new ProviderError({ provider, kind: 'invalid_credentials', providerCode: code, retryable: false });
  return new ProviderError({ provider, kind: 'unknown', providerCode: code, retryable: false });
}

/** Joins a configured base URL (which may carry a path prefix) and an API path. */
export function joinUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + path;
}
