import { ProviderError, type ProviderErrorKind } from '../../../bff/src/providers/provider-error';

/** Awaits a rejection and checks it is the ProviderError we expect; returns it for further checks. */
export async function expectProviderError(
  promise: Promise<unknown>,
  expected: { kind: ProviderErrorKind; retryable: boolean; providerCode?: string; provider?: string },
): Promise<ProviderError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ProviderError);
  const err = caught as ProviderError;
  expect({ kind: err.kind, retryable: err.retryable }).toEqual({ kind: expected.kind, retryable: expected.retryable });
  if (expected.providerCode !== undefined) expect(err.providerCode).toBe(expected.providerCode);
  if (expected.provider !== undefined) expect(err.provider).toBe(expected.provider);
  return err;
}
