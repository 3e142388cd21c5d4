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
import {
  createNotifier,
  createOutboxRelay,
  createPhoneConfirmations,
  devInboxRouter,
  notificationsRouter,
  outboxAdminRouter,
  parseQuietHours,
  phoneConfirmationsRouter,
  smsLimits,
  type Notice,
} from './components/notifications';
import {
  createSubscriptionsStore,
  knownTemplateIds,
  pushTemplateIdsFromConfig,
  subscriptionsRouter,
} from './components/subscriptions';
import { openApiRouter } from './components/openapi';
import {
  adminRatingsRouter,
  createRatingsRepository,
  createRatingsService,
  departmentRatingsRouter,
  parentRatingsRouter,
  skipAnsweredReminders,
} from './components/ratings';
import { adminRouter, createTasksService, tasksRouter } from './components/tasks';
import {
  attachmentsRouter,
  createAttachmentsRepository,
  createAttachmentsService,
  createGridFsPhotoStore,
  createPhotoPipeline,
  taskAttachmentsRouter,
  watermarkDate,
} from './components/attachments';
import { licenceProviderFromConfig } from './providers/licence';
import type { LicenceProvider } from './providers/licence';
import { webApp } from './components/web';
import { authenticateByDefault, createTokenSigner, type Principal } from './libraries/auth';
import { rateLimit } from './libraries/rate-limit';
import { createFieldCrypto } from './libraries/crypto';
import { errorHandler, requestContext, type AppState } from './libraries/http';
import { createIdempotencyStore } from './libraries/idempotency';
import { createQuota } from './libraries/quota';
import type { Logger } from './libraries/logger';
import type { WriterHooks } from './libraries/versioned';
import { calendarOverridesFromConfig, identityProvidersFromConfig, smsChannelFromConfig } from './providers/from-config';
import { createDevPush, createDevSms } from './providers/dev';
import type { IdentityProvider } from './providers/identity/identity-provider';
import type { PushProvider } from './providers/push/push-provider';
import type { SmsProvider } from './providers/sms/sms-provider';

export type ServerDeps = {
  config: Config;
  logger: Logger;
  connection: Connection;
  /** The clock; tests move it to check deadlines and expiry. */
  now?: () => Date;
  guide?: Guide;
  calendar?: WorkingCalendar;
  identity?: Partial<Record<'wechat' | 'alipay' | 'zheliban', IdentityProvider>>;
  /** Notice channels; outside production the dev adapters (dev inbox) stand in when absent. */
  push?: Pick<PushProvider, 'send'> | null;
  sms?: Pick<SmsProvider, 'send'> | null;
  /** Test seams of the application writer: delays and crash points after a commit. */
  writerHooks?: WriterHooks;
  /** The shared electronic licence library; from config (LICENCE_PROVIDER) when absent. */
  licence?: LicenceProvider | null;
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
  const applicationsRepo = createApplicationsRepository(connection, crypto, deps.writerHooks ? { hooks: deps.writerHooks } : {});
  const idempotency = createIdempotencyStore(connection, now, { leaseMs: config.IDEMPOTENCY_LEASE_SECONDS * 1000 });
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
  const attachments = createAttachmentsService({
    repo: createAttachmentsRepository(connection),
    applications: applicationsRepo,
    store: createGridFsPhotoStore(connection, crypto),
    pipeline: createPhotoPipeline({ concurrency: config.PHOTO_CONCURRENCY, today: watermarkDate(now) }),
    crypto,
    licence: deps.licence !== undefined ? deps.licence : licenceProviderFromConfig(config),
    photoRetentionDays: config.PHOTO_RETENTION_DAYS,
    now,
  });
  const applications = createApplicationsService({
    repo: applicationsRepo,
    crypto,
    calendar,
    guide,
    now,
    attachments: config.SUBMIT_REQUIRES_ID_MATERIALS ? attachments : { ...attachments, missingFor: async () => [] },
    // A withdrawn or swept draft's photos and licence choices go with it.
    onDraftRemoved: [(id) => attachments.deleteForApplication(id)],
  });
  const tasks = createTasksService({ repo: applicationsRepo, crypto, calendar, now, attachments });
  const sweeper = createSweeper({
    repo: applicationsRepo,
    applications,
    idempotency,
    draftRetentionHours: config.DRAFT_RETENTION_HOURS,
    archiveAfterDays: config.ARCHIVE_AFTER_DAYS,
    fullScanIntervalMs: config.ARCHIVE_INTERVAL_MINUTES * 60_000,
    now,
    attachments,
  });
  const ratingsRepo = createRatingsRepository(connection, crypto);
  const ratings = createRatingsService({
    repo: ratingsRepo,
    applications: applicationsRepo,
    crypto,
    calendar,
    now,
    dayUnit: config.RATING_CASE_DAY_UNIT,
    callbackDays: config.RATING_CALLBACK_DAYS,
    feedbackDays: config.RATING_FEEDBACK_DAYS,
    // Defined below; only called once a request runs.
    deliverArchived: (entry, application) => notifier(entry, application),
  });
  const sms = smsChannelFromConfig(config);
  const smsChannel =
    deps.sms !== undefined ? deps.sms : sms === 'dev' ? createDevSms({ connection, now }) : (sms?.provider ?? null);
  const smsFormat =
    sms && sms !== 'dev' ? sms.format : (n: Notice) => ({ templateCode: n.template, params: { title: n.title, body: n.body } });
  // Channel policy (README "Notices"): push on a subscription credit, else SMS to a confirmed phone, by day, capped.
  const pushTemplateIds = pushTemplateIdsFromConfig(config);
  const subscriptions = createSubscriptionsStore({ connection, crypto, now });
  const limits = smsLimits(config.SMS_CAP_PER_HOUR, config.SMS_CAP_PER_DAY);
  // Per-recipient SMS caps, counted in the database so they hold across BFF processes (keys: blind indexes).
  const smsQuota = createQuota({ connection, collection: 'sms_quota', now });
  const phones = createPhoneConfirmations({ connection, crypto, sms: smsChannel, smsFormat, quota: smsQuota, limits, now });
  const devPushToAll = !production && config.DEV_PUSH_WITHOUT_SUBSCRIPTION;
  const notifier = createNotifier({
    connection,
    crypto,
    now,
    push: deps.push !== undefined ? deps.push : production ? null : createDevPush({ connection, now }),
    sms: smsChannel,
    subscriptions: devPushToAll ? null : subscriptions,
    formats: {
      push: (n) => {
        const templateId = n.platform ? pushTemplateIds[n.platform][n.template] : n.template;
        if (!templateId) return null;
        return {
          templateId,
          page: `pages/application/detail?id=${encodeURIComponent(n.applicationId)}`,
          data: { title: n.title, body: n.body },
        };
      },
      ...(sms && sms !== 'dev' ? { sms: sms.format } : {}),
    },
    policy: {
      quietHours: parseQuietHours(config.SMS_QUIET_HOURS),
      quota: smsQuota,
      smsLimits: limits,
      phones: config.SMS_REQUIRE_CONFIRMED_PHONE ? phones : null,
    },
  });
  // A rating reminder whose stage was rated meanwhile is dropped at delivery.
  const deliver = skipAnsweredReminders(notifier, ratingsRepo, ratings.stageRatingId);
  const relay = createOutboxRelay({
    connection,
    applications: applicationsRepo,
    deliver,
    now,
    logger: deps.logger,
    leaseMs: config.RELAY_LEASE_SECONDS * 1000,
    concurrency: config.RELAY_CONCURRENCY,
    combineWindowMs: config.NOTICE_COMBINE_WINDOW_SECONDS * 1000,
  });
  return {
    now,
    guide,
    calendar,
    crypto,
    signer,
    idempotency,
    auth,
    applications,
    attachments,
    tasks,
    applicationsRepo,
    ratings,
    ratingsRepo,
    sweeper,
    deliver,
    relay,
    subscriptions,
    pushTemplateIds,
    phones,
    smsQuota,
  };
}

export type Components = ReturnType<typeof createComponents>;

/** Builds the Koa app. Tests import this and listen on a random port; start.ts runs it for real. */
export function createServer(deps: ServerDeps, c: Components = createComponents(deps)): Koa<AppState> {
  const { config, logger } = deps;
  // Only the configured number of proxies is trusted: the rightmost hops of X-Forwarded-For, never the client's own.
  const app = new Koa<AppState>({ proxy: config.TRUSTED_PROXY_HOPS > 0, maxIpsCount: config.TRUSTED_PROXY_HOPS });
  app.silent = true; // errors are logged by errorHandler, without personal data

  app.use(requestContext(logger));
  app.use(errorHandler());
  app.use(async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    await next();
  });
  app.use(authenticateByDefault(c.signer, PUBLIC_API_PATHS));
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: `${config.BODY_LIMIT_KB}kb`, encoding: 'utf-8', jsonStrict: true }));

  for (const router of buildRouters(deps, c)) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: true }));
  }
  if (config.STATIC_DIR) app.use(webApp(path.resolve(ROOT, config.STATIC_DIR)));
  return app;
}

/** The only /api/ paths that answer without a token; every other /api/ path needs one (deny by default). */
export const PUBLIC_API_PATHS = [
  '/api/v1/auth/login',
  '/api/v1/auth/refresh',
  '/api/v1/dept/auth/token',
  '/api/v1/admin/auth/token',
  '/api/v1/guide',
  '/api/v1/openapi.json',
] as const;

/** Every router of the BFF, in the order they are mounted (tests list their routes from here). */
export function buildRouters(deps: ServerDeps, c: Components): Router[] {
  const { config, connection } = deps;
  // One budget per parent across the application and rating routes.
  const parentLimit = rateLimit({
    max: config.RATE_LIMIT_PARENT_PER_MINUTE,
    windowMs: 60_000,
    key: (ctx) => (ctx.state.principal as Principal).sub,
  });
  return [
    healthRouter(connection),
    guideRouter(c.guide),
    openApiRouter(),
    authRouter(c.auth, rateLimit({ max: config.RATE_LIMIT_LOGIN_PER_MINUTE, windowMs: 60_000, key: (ctx) => ctx.ip })),
    applicationsRouter(c.applications, c.signer, c.idempotency, parentLimit),
    attachmentsRouter(c.attachments, c.signer, c.idempotency, parentLimit),
    parentRatingsRouter(c.ratings, c.signer, c.idempotency, parentLimit),
    departmentRatingsRouter(c.ratings, c.signer),
    adminRatingsRouter(c.ratings, c.signer),
    tasksRouter(c.tasks, c.signer),
    taskAttachmentsRouter(c.attachments, c.signer),
    adminRouter(c.tasks, c.signer),
    notificationsRouter({ connection, signer: c.signer }),
    subscriptionsRouter({
      connection,
      signer: c.signer,
      crypto: c.crypto,
      store: c.subscriptions,
      identity: deps.identity ?? identityProvidersFromConfig(config),
      templateIds: (platform) => knownTemplateIds(c.pushTemplateIds, platform),
      devIdentity: config.NODE_ENV !== 'production',
      parentLimit,
    }),
    phoneConfirmationsRouter({
      signer: c.signer,
      crypto: c.crypto,
      applications: c.applicationsRepo,
      phones: c.phones,
      parentLimit,
    }),
    outboxAdminRouter({ connection, signer: c.signer }),
    ...(config.NODE_ENV !== 'production' ? [devInboxRouter({ connection })] : []),
  ];
}
