export { authRouter } from './auth.router';
export { identityFillRouter } from './identity.router';
export { createAuthRepository } from './auth.repository';
export { createAuthService, devIdentity, parseServiceAccounts, type AuthService, type ServiceAccount } from './auth.service';
