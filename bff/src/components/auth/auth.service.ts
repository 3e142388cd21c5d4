import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ClientCredentialsInput, DepartmentCode, LoginInput, RefreshInput, TokenResponse } from '@birth/shared';
import { DEPARTMENT_CODES } from '@birth/shared';
import type { Principal, TokenSigner } from '../../libraries/auth';
import { safeEqual, type FieldCrypto } from '../../libraries/crypto';
import { AppError } from '../../libraries/errors';
import type { IdentityProvider } from '../../providers/identity/identity-provider';
import { ProviderError } from '../../providers/provider-error';
import type { AuthRepository } from './auth.repository';

export type ServiceAccount = { clientId: string; secret: string; role: 'department' | 'operator'; department?: DepartmentCode };

export type AuthServiceDeps = {
  repo: AuthRepository;
  signer: TokenSigner;
  crypto: FieldCrypto;
  identity: Partial<Record<'wechat' | 'alipay' | 'zheliban', IdentityProvider>>;
  devLogin: boolean;
  refreshTtlDays: number;
  serviceAccounts: ServiceAccount[];
  now: () => Date;
};

const hashSecret = (s: string) => createHash('sha256').update(s).digest('base64url');
const invalidRefresh = () => new AppError('UNAUTHENTICATED', '登录已过期，请重新登录');

/**
 * Parses `DEPT_CLIENTS` (`code:clientId:secret,…`) and `OPERATOR_CLIENTS` (`clientId:secret,…`).
 * Outside production, missing lists get well-known development accounts (dev-<code> / dev-<code>-secret).
 */
export function parseServiceAccounts(
  deptClients: string | undefined,
  operatorClients: string | undefined,
  production: boolean,
): ServiceAccount[] {
  const accounts: ServiceAccount[] = [];
  if (deptClients) {
    for (const entry of deptClients
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [code, clientId, ...secret] = entry.split(':');
      if (!DEPARTMENT_CODES.includes(code as DepartmentCode) || !clientId || secret.join(':').length < 16) {
        throw new Error(
          `DEPT_CLIENTS: each entry is code:clientId:secret with a known department code and a secret of 16+ characters`,
        );
      }
      accounts.push({ clientId, secret: secret.join(':'), role: 'department', department: code as DepartmentCode });
    }
  } else if (!production) {
    for (const code of DEPARTMENT_CODES)
      accounts.push({ clientId: `dev-${code}`, secret: `dev-${code}-secret`, role: 'department', department: code });
  }
  if (operatorClients) {
    for (const entry of operatorClients
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [clientId, ...secret] = entry.split(':');
      if (!clientId || secret.join(':').length < 16)
        throw new Error('OPERATOR_CLIENTS: each entry is clientId:secret with a secret of 16+ characters');
      accounts.push({ clientId, secret: secret.join(':'), role: 'operator' });
    }
  } else if (!production) {
    accounts.push({ clientId: 'dev-operator', secret: 'dev-operator-secret', role: 'operator' });
  }
  return accounts;
}

export function createAuthService(deps: AuthServiceDeps) {
  const { repo, signer } = deps;

  async function issueParentTokens(parentId: string, familyId: string): Promise<TokenResponse> {
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const now = deps.now();
    await repo.insertRefresh({
      _id: id,
      secretHash: hashSecret(secret),
      parentId,
      familyId,
      expiresAt: new Date(now.getTime() + deps.refreshTtlDays * 86400_000),
      usedAt: null,
      revokedAt: null,
      createdAt: now,
    });
    const access = signer.sign({ sub: parentId, role: 'parent' });
    return {
      accessToken: access.token,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
      refreshToken: `${id}.${secret}`,
      role: 'parent',
    };
  }

  async function identify(input: LoginInput): Promise<string> {
    if (input.platform === 'dev') {
      if (!deps.devLogin) throw new AppError('FORBIDDEN', '开发登录仅在开发环境可用');
      return input.code;
    }
    const provider = deps.identity[input.platform];
    if (!provider)
      throw new AppError('DEPENDENCY_UNAVAILABLE', '该登录方式暂未开通，请使用其他方式登录', {
        headers: { 'Retry-After': '3600' },
      });
    try {
      return (await provider.exchange(input.code)).subject;
    } catch (err) {
      if (err instanceof ProviderError && (err.kind === 'invalid_code' || err.kind === 'user_refused')) {
        throw new AppError('UNAUTHENTICATED', '登录凭证已失效，请关闭后重新进入');
      }
      if (err instanceof ProviderError && err.retryable) {
        throw new AppError('DEPENDENCY_UNAVAILABLE', '登录服务繁忙，请稍后再试', { headers: { 'Retry-After': '5' } });
      }
      throw new AppError('DEPENDENCY_UNAVAILABLE', '登录服务暂时不可用，请稍后再试', { headers: { 'Retry-After': '30' } });
    }
  }

  return {
    async login(input: LoginInput): Promise<TokenResponse> {
      const subject = await identify(input);
      const subjectIndex = deps.crypto.blindIndex(`${input.platform}:${subject}`, 'login.subject');
      const parent = await repo.findOrCreateParent(subjectIndex, input.platform, deps.now());
      return issueParentTokens(parent._id, randomUUID());
    },

    /** Rotates a refresh token. A token used twice means it leaked: its whole family is revoked. */
    async refresh(input: RefreshInput): Promise<TokenResponse> {
      const [id, secret] = input.refreshToken.split('.');
      if (!id || !secret) throw invalidRefresh();
      const stored = await repo.findRefresh(id);
      if (!stored || !safeEqual(stored.secretHash, hashSecret(secret))) throw invalidRefresh();
      const now = deps.now();
      const used = await repo.useRefresh(id, now);
      if (!used) {
        // Used before (or by a racing request): the token leaked or was replayed; end the whole session.
        if (!stored.revokedAt && stored.expiresAt > now) await repo.revokeFamily(stored.familyId, now);
        throw invalidRefresh();
      }
      return issueParentTokens(used.parentId, used.familyId);
    },

    clientToken(input: ClientCredentialsInput, role: 'department' | 'operator'): TokenResponse {
      const account = deps.serviceAccounts.find((a) => a.role === role && a.clientId === input.clientId);
      // Compare even when the account is unknown, so timing does not tell which client ids exist.
      const ok = safeEqual(account?.secret ?? 'no-such-account-placeholder', input.clientSecret) && !!account;
      if (!ok || !account) throw new AppError('UNAUTHENTICATED', 'clientId 或 clientSecret 不正确');
      const principal: Principal = { sub: account.clientId, role, department: account.department };
      const access = signer.sign(principal);
      return {
        accessToken: access.token,
        tokenType: 'Bearer',
        expiresIn: access.expiresIn,
        role,
        department: account.department,
      };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
