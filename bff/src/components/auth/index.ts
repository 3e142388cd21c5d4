export { authRouter } from './auth.router';
export { createAuthRepository } from './auth.repository';
export { createAuthService, parseServiceAccounts, type AuthService, type ServiceAccount } from './auth.service';
