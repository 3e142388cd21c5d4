import path from 'node:path';
import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import type Router from '@koa/router';
import type { Connection } from 'mongoose';
import { createWorkingCalendar, DEFAULT_GUIDE, type Guide, type WorkingCalendar } from '@birth/shared';
import type { Config } from '../../config';
import {
  applicationsRouter,
  createApplicationsRepository,
  createApplicationsService,
  createSweeper,
} from './components/applications';
import { authRouter, createAuthRepository, createAuthService, parseServiceAccounts } from './components/auth';
import { guideRouter } from './components/guide';
import { healthRouter } from './components/health';
import { openApiRouter } from './components/openapi';
import { adminRouter, createTasksService, tasksRouter } from './components/tasks';
import { webApp } from './components/web';
import { createTokenSigner } from './libraries/auth';
import { createFieldCrypto } from './libraries/crypto';
import { errorHandler, requestContext, type AppState } from './libraries/http';
import { createIdempotencyStore } from './libraries/idempotency';
import type { Logger } from './libraries/logger';
import { calendarOverridesFromConfig, identityProvidersFromConfig } from './providers/from-config';
import type { IdentityProvider } from './providers/identity/identity-provider';

export type ServerDeps = {
  config: Config;
  logger: Logger;
  connection: Connection;
  /** The clock; tests move it to check deadlines and expiry. */
  now?: () => Date;
  guide?: Guide;
  calendar?: WorkingCalendar;
  identity?: Partial<Record<'wechat' | 'alipay' | 'zheliban', IdentityProvider>>;
};

const ROOT = path.resolve(__dirname, '..', '..');

/** Everything the BFF is made of, wired once; start.ts also uses it to run the background workers. */
export function createComponents(deps: ServerDeps) {
  const { config, connection } = deps;
  const now = deps.now ?? (() => new Date());
  const guide = deps.guide ?? DEFAULT_GUIDE;
  const calendar = deps.calendar ?? createWorkingCalendar({ overrides: calendarOverridesFromConfig(config) });
  const crypto = createFieldCrypto(config.DATA_ENCRYPTION_KEY, config.BLIND_INDEX_KEY);
  const signer = createTokenSigner(config.JWT_SECRET, config.ACCESS_TOKEN_TTL_SECONDS);
  const production = config.NODE_ENV === 'production';
  const applicationsRepo = createApplicationsRepository(connection);
  const idempotency = createIdempotencyStore(connection, now);
  const auth = createAuthService({
    repo: createAuthRepository(connection),
    signer,
    crypto,
    identity: deps.identity ?? identityProvidersFromConfig(config),
    devLogin: !production,
    refreshTtlDays: config.REFRESH_TOKEN_TTL_DAYS,
    serviceAccounts: parseServiceAccounts(config.DEPT_CLIENTS, config.OPERATOR_CLIENTS, production),
    now,
  });
  const applications = createApplicationsService({ repo: applicationsRepo, crypto, calendar, guide, now });
  const tasks = createTasksService({ repo: applicationsRepo, crypto, calendar, now });
  const sweeper = createSweeper({ repo: applicationsRepo, idempotency, draftRetentionHours: config.DRAFT_RETENTION_HOURS, now });
  return { now, guide, calendar, crypto, signer, idempotency, auth, applications, tasks, applicationsRepo, sweeper };
}

export type Components = ReturnType<typeof createComponents>;

/** Builds the Koa app. Tests import this and listen on a random port; start.ts runs it for real. */
export function createServer(deps: ServerDeps, c: Components = createComponents(deps)): Koa<AppState> {
  const { config, logger, connection } = deps;
  const app = new Koa<AppState>({ proxy: config.NODE_ENV === 'production' });
  app.silent = true; // errors are logged by errorHandler, without personal data

  app.use(requestContext(logger));
  app.use(errorHandler());
  app.use(async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    await next();
  });
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: `${config.BODY_LIMIT_KB}kb`, encoding: 'utf-8', jsonStrict: true }));

  const routers: Router[] = [
    healthRouter(connection),
    guideRouter(c.guide),
    openApiRouter(),
    authRouter(c.auth),
    applicationsRouter(c.applications, c.signer, c.idempotency),
    tasksRouter(c.tasks, c.signer),
    adminRouter(c.tasks, c.signer),
  ];
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  if (config.STATIC_DIR) app.use(webApp(path.resolve(ROOT, config.STATIC_DIR)));
  return app;
}
