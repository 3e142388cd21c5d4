import { createSecretKey } from 'node:crypto';
import type { Middleware } from 'koa';
import jwt from 'jsonwebtoken';
import { DEPARTMENTS, type DepartmentCode } from '@birth/shared';
import { AppError } from './errors';

export type Role = 'parent' | 'department' | 'operator';
export type Principal = { sub: string; role: Role; department?: DepartmentCode };

const ISSUER = 'birth-one-thing-bff';
const AUDIENCE = 'birth-one-thing';
/** Verified tokens remembered per process (about 0.5 KB each); when full, the memory starts afresh. */
const VERIFIED_MAX = 20_000;

export type TokenSigner = {
  sign(principal: Principal): { token: string; expiresIn: number };
  verify(token: string): Principal;
};

/**
 * Access tokens: HS256 only (pinned, so `alg: none` and key confusion are refused), `exp` required
 * (jsonwebtoken accepts tokens without one), lifetimes given in seconds (a string would mean ms).
 */
export function createTokenSigner(secret: string, ttlSeconds: number): TokenSigner {
  if (secret.length < 32) throw new Error('JWT secret too short');
  // A key object, made once: given the secret as a string, jsonwebtoken first tries it as a PEM public key on
  // every verify (an OpenSSL parse that fails and throws: about an eighth of a progress request's CPU).
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  const verified = new Map<string, { principal: Principal; exp: number }>();
  return {
    sign(principal) {
      const payload: Record<string, unknown> = { role: principal.role };
      if (principal.department) payload.dept = principal.department;
      const token = jwt.sign(payload, key, {
        algorithm: 'HS256',
        expiresIn: ttlSeconds,
        subject: principal.sub,
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      return { token, expiresIn: ttlSeconds };
    },
    verify(token) {
      // A token already verified whole by this process (the same string, signature included) is answered from
      // memory until its exp: a parent's app sends the same token with every request, and the signature check
      // and claim parsing were about a twelfth of a progress request's CPU. Only verified tokens are kept.
      const known = verified.get(token);
      if (known) {
        if (Date.now() / 1000 < known.exp) return known.principal;
        verified.delete(token);
      }
      const principal = verifyWhole(token);
      if (verified.size >= VERIFIED_MAX) verified.clear();
      verified.set(token, principal);
      return principal.principal;
    },
  };

  function verifyWhole(token: string): { principal: Principal; exp: number } {
    let payload: jwt.JwtPayload;
    try {
      const decoded = jwt.verify(token, key, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
      if (typeof decoded === 'string') throw new Error('string payload');
      payload = decoded;
    } catch {
      throw new AppError('UNAUTHENTICATED', '登录已失效，请重新登录');
    }
    const nowSeconds = Date.now() / 1000;
    // exp must exist and be in seconds: a millisecond exp would otherwise live for ages.
    if (typeof payload.exp !== 'number' || payload.exp > nowSeconds + 24 * 3600 || typeof payload.sub !== 'string') {
      throw new AppError('UNAUTHENTICATED', '登录已失效，请重新登录');
    }
    const role = payload.role as Role;
    if (role !== 'parent' && role !== 'department' && role !== 'operator')
      throw new AppError('UNAUTHENTICATED', '登录已失效，请重新登录');
    // A department token must name a department that exists (a signed token for another code is not one of ours).
    if (role === 'department' && (typeof payload.dept !== 'string' || !Object.hasOwn(DEPARTMENTS, payload.dept)))
      throw new AppError('UNAUTHENTICATED', '登录已失效，请重新登录');
    // Frozen: the same object answers every later request with this token.
    const principal = Object.freeze({ sub: payload.sub, role, department: payload.dept as DepartmentCode | undefined });
    return { principal, exp: payload.exp };
  }
}

function authenticate(signer: TokenSigner, header: string): Principal {
  const m = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
  if (!m) throw new AppError('UNAUTHENTICATED', '请先登录', { headers: { 'WWW-Authenticate': 'Bearer' } });
  return signer.verify(m[1]);
}

/** Authenticates the bearer token and requires one of the roles (401 without a valid token, 403 for another role). */
export function requireRole(signer: TokenSigner, ...roles: Role[]): Middleware {
  return async (ctx, next) => {
    // The deny-by-default gate (authenticateByDefault) has verified this request's token already.
    const principal = (ctx.state.principal as Principal | undefined) ?? authenticate(signer, ctx.get('authorization'));
    if (!roles.includes(principal.role)) throw new AppError('FORBIDDEN', '当前账号无权进行此操作');
    ctx.state.principal = principal;
    await next();
  };
}

/** A path that normalising would leave as it is: lower-case segments of unreserved characters. */
const NORMAL_PATH = /^(?:\/[a-z0-9._~-]+)+$/;

/**
 * Deny by default: every path under /api/ needs a valid token unless it is one of `publicPaths`,
 * whatever its letter case, trailing slash, doubled slashes or escapes. It runs before any router, so
 * no router (or a router added later without a guard) can serve an /api/ path to an anonymous caller.
 * The routers still check the role.
 */
export function authenticateByDefault(signer: TokenSigner, publicPaths: readonly string[]): Middleware {
  const open = new Set(publicPaths.map((p) => p.toLowerCase()));
  // Not async: a pass-through step costs no promise of its own (a throw still reaches the error handler).
  return (ctx, next) => {
    let normalised = ctx.path;
    // Most paths are already in normal form (lower case, no escape, no doubled or trailing slash).
    if (!NORMAL_PATH.test(normalised)) {
      try {
        normalised = decodeURIComponent(normalised);
      } catch {
        // an undecodable path matches no route; it is still checked as it is
      }
      normalised = normalised
        .toLowerCase()
        .replace(/\/{2,}/g, '/')
        .replace(/\/+$/, '');
    }
    if (normalised.startsWith('/api/') && !open.has(normalised)) {
      ctx.state.principal = authenticate(signer, ctx.get('authorization'));
    }
    return next();
  };
}
