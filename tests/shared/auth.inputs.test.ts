import { ClientCredentialsInput, LoginInput, RefreshInput } from '@birth/shared';

describe('auth inputs', () => {
  it('when a parent logs in from a known platform, then it parses', () => {
    expect(LoginInput.safeParse({ platform: 'zheliban', code: 'ticket-123' }).success).toBe(true);
    expect(LoginInput.safeParse({ platform: 'dev', code: 'demo-mother' }).success).toBe(true);
  });

  it('when the platform is unknown or the code empty, then it is refused', () => {
    expect(LoginInput.safeParse({ platform: 'qq', code: 'x' }).success).toBe(false);
    expect(LoginInput.safeParse({ platform: 'wechat', code: '' }).success).toBe(false);
  });

  it('when refresh and client credentials carry extra keys, then they are refused', () => {
    expect(RefreshInput.safeParse({ refreshToken: 'a.b' }).success).toBe(true);
    expect(RefreshInput.safeParse({ refreshToken: 'a.b', role: 'operator' }).success).toBe(false);
    expect(ClientCredentialsInput.safeParse({ clientId: 'dev-police', clientSecret: 'dev-police-secret' }).success).toBe(true);
    expect(ClientCredentialsInput.safeParse({ clientId: 'dev-police' }).success).toBe(false);
  });
});
