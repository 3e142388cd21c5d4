import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type {
  ClientCredentialsInput,
  DepartmentCode,
  IdentityFillTarget,
  LoginInput,
  RefreshInput,
  TokenResponse,
  VerifiedIdentity,
} from '@birth/shared';
import { ApplicationDraftInput, DEPARTMENT_CODES, maskName, maskPhone } from '@birth/shared';
import type { Principal, TokenSigner } from '../../libraries/auth';
import { safeEqual, type FieldCrypto } from '../../libraries/crypto';
import { AppError } from '../../libraries/errors';
import type { IdentityClaims, IdentityProvider } from '../../providers/identity/identity-provider';
import { ProviderError } from '../../providers/provider-error';
import type { AuthRepository, SealedIdentity } from './auth.repository';

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

/** A person's verified name and phone, in clear: only ever inside the BFF, never logged or answered. */
type PlainIdentity = { source: 'zheliban' | 'dev'; name?: string; phone?: string };

const DEV_NAMES = ['林晓雯', '陈思远', '王雨桐', '张佳怡', '刘子涵', '赵文静', '黄嘉怡', '周慧敏'];

/**
 * The demo person behind a dev login: a name and a mobile number derived from the code, so the same code
 * is the same person (and the prefill can be exercised without 浙里办).
 */
export function devIdentity(code: string): PlainIdentity {
  const digest = createHash('sha256').update(`dev-identity:${code}`).digest();
  const digits = Array.from(digest.subarray(1, 9), (b) => String(b % 10)).join('');
  return { source: 'dev', name: DEV_NAMES[digest[0] % DEV_NAMES.length], phone: `139${digits}` };
}

/**
 * Keeps only what the application form accepts for a parent (the same shared schema), so a prefill never
 * writes a value the draft would refuse.
 */
function usableIdentity(source: PlainIdentity['source'], claims: Pick<IdentityClaims, 'displayName' | 'phone'>) {
  const accepted = (field: 'name' | 'phone', value: string | undefined) => {
    if (!value) return undefined;
    const parsed = ApplicationDraftInput.safeParse({ mother: { [field]: value } });
    return parsed.success ? (parsed.data.mother?.[field] as string | undefined) : undefined;
  };
  const name = accepted('name', claims.displayName);
  const phone = accepted('phone', claims.phone);
  if (!name && !phone) return undefined;
  return { source, ...(name ? { name } : {}), ...(phone ? { phone } : {}) } satisfies PlainIdentity;
}

const maskIdentity = (identity: PlainIdentity): VerifiedIdentity => ({
  source: identity.source,
  ...(identity.name ? { name: maskName(identity.name) } : {}),
  ...(identity.phone ? { phone: maskPhone(identity.phone) } : {}),
});

const NAME_CONTEXT = 'parents.identity.name';
const PHONE_CONTEXT = 'parents.identity.phone';
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

  async function identify(input: LoginInput): Promise<IdentityClaims> {
    if (input.platform === 'dev') {
      if (!deps.devLogin) throw new AppError('FORBIDDEN', '开发登录仅在开发环境可用');
      const demo = devIdentity(input.code);
      return { subject: input.code, displayName: demo.name, phone: demo.phone };
    }
    const provider = deps.identity[input.platform];
    if (!provider)
      throw new AppError('DEPENDENCY_UNAVAILABLE', '该登录方式暂未开通，请使用其他方式登录', {
        headers: { 'Retry-After': '3600' },
      });
    try {
      return await provider.exchange(input.code);
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
    /**
     * Logs a parent in. Where the platform verified a name or phone (浙里办; the demo person of a dev
     * login), it is kept sealed on the parent and answered **masked**: the app can show it and ask the
     * BFF to write it into a draft (`identityPatch`), but never receives it in clear.
     */
    async login(input: LoginInput): Promise<TokenResponse> {
      const claims = await identify(input);
      const subjectIndex = deps.crypto.blindIndex(`${input.platform}:${claims.subject}`, 'login.subject');
      const now = deps.now();
      const verified =
        input.platform === 'zheliban' || input.platform === 'dev' ? usableIdentity(input.platform, claims) : undefined;
      const sealed: SealedIdentity | undefined = verified && {
        source: verified.source,
        ...(verified.name ? { name: deps.crypto.seal(verified.name, NAME_CONTEXT) } : {}),
        ...(verified.phone ? { phone: deps.crypto.seal(verified.phone, PHONE_CONTEXT) } : {}),
        at: now,
      };
      const parent = await repo.findOrCreateParent(subjectIndex, input.platform, now, sealed);
      const tokens = await issueParentTokens(parent._id, randomUUID());
      return verified ? { ...tokens, identity: maskIdentity(verified) } : tokens;
    },

    /**
     * The draft changes that write the parent's verified identity into the given parts of the form: a
     * parent's name and phone, or a mailed document's recipient and phone. Throws when none is on file.
     */
    /** The phone the identity provider verified at this parent's last login (浙里办), in clear, or undefined. */
    async verifiedPhone(parentId: string): Promise<string | undefined> {
      const stored = (await repo.findParent(parentId))?.identity;
      return stored?.phone ? deps.crypto.open(stored.phone, PHONE_CONTEXT) : undefined;
    },

    async identityPatch(parentId: string, into: readonly IdentityFillTarget[]): Promise<Record<string, unknown>> {
      const stored = (await repo.findParent(parentId))?.identity;
      const name = stored?.name ? deps.crypto.open(stored.name, NAME_CONTEXT) : undefined;
      const phone = stored?.phone ? deps.crypto.open(stored.phone, PHONE_CONTEXT) : undefined;
      if (!name && !phone) {
        throw new AppError('UNPROCESSABLE', '没有可用的实名信息（只有从“浙里办”登录时才有），请直接填写。');
      }
      const patch: Record<string, Record<string, unknown>> = {};
      for (const target of into) {
        if (target === 'mother' || target === 'father') {
          patch[target] = { ...(name ? { name } : {}), ...(phone ? { phone } : {}) };
        } else {
          const key = target.slice('delivery.'.length);
          // A recipient is for mail: the method goes along, so the change is checked as a mailed delivery.
          patch.delivery = {
            ...patch.delivery,
            [key]: { method: 'mail', ...(name ? { recipient: name } : {}), ...(phone ? { phone } : {}) },
          };
        }
      }
      return patch;
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
