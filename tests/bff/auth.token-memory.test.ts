// Verified access tokens are remembered per process (libraries/auth.ts): the memory must never answer for a
// token after its exp, nor for any string that was not verified whole.
import { createTokenSigner } from '../../bff/src/libraries/auth';

const signer = () => createTokenSigner('s'.repeat(40), 60);

afterEach(() => jest.restoreAllMocks());

test('when a remembered token passes its exp, then it is refused like any expired token', () => {
  const tokens = signer();
  const { token } = tokens.sign({ sub: 'parent-1', role: 'parent' });
  expect(tokens.verify(token)).toEqual({ sub: 'parent-1', role: 'parent' });
  expect(tokens.verify(token)).toEqual({ sub: 'parent-1', role: 'parent' }); // from memory
  const now = Date.now();
  jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
  expect(() => tokens.verify(token)).toThrow('登录已失效');
  expect(() => tokens.verify(token)).toThrow('登录已失效');
});

test('when a remembered token is altered in any way, then the altered one is verified afresh and refused', () => {
  const tokens = signer();
  const { token } = tokens.sign({ sub: 'parent-2', role: 'parent' });
  tokens.verify(token);
  const [header, payload, signature] = token.split('.');
  const flipped = signature[0] === 'A' ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
  expect(() => tokens.verify(`${header}.${payload}.${flipped}`)).toThrow('登录已失效');
  const other = Buffer.from(
    JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'operator' }),
  ).toString('base64url');
  expect(() => tokens.verify(`${header}.${other}.${signature}`)).toThrow('登录已失效');
  // Another signer (another secret) has a memory of its own.
  expect(() => createTokenSigner('t'.repeat(40), 60).verify(token)).toThrow('登录已失效');
});

test('when the same token answers many requests, then each gets the same frozen principal, which no request can change', () => {
  const tokens = signer();
  const { token } = tokens.sign({ sub: 'clerk-1', role: 'department', department: 'police' });
  const first = tokens.verify(token);
  expect(tokens.verify(token)).toBe(first);
  expect(Object.isFrozen(first)).toBe(true);
  expect(first).toEqual({ sub: 'clerk-1', role: 'department', department: 'police' });
});
