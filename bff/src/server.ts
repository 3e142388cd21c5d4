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
import { authRouter, createAuthRepository, createAuthService, identityFillRouter, parseServiceAccounts } from './components/auth';
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
} from './components/notifications';
import {
  createSubscriptionsStore,
  knownTemplateIds,
  pushTemplateIdsFromConfig,
  subscriptionsRouter,
} from './components/subscriptions';
import { docsRouter, OPERATION_LIST, openApiRouter } from './components/openapi';
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
  isUploadRequest,
  UPLOAD_BODY_LIMIT_BYTES,
  createAttachmentsRepository,
  createAttachmentsService,
  createGridFsPhotoStore,
  createPhotoPipeline,
  taskAttachmentsRouter,
  watermarkDate,
} from './components/attachments';
import { licenceProviderFromConfig } from './providers/licence';
import type { LicenceProvider } from './providers/licence';
import { inlineScriptHashes, webApp } from './components/web';
import { authenticateByDefault, createTokenSigner, type Principal } from './libraries/auth';
import { createQuota } from './libraries/quota';
import { rateLimit } from './libraries/rate-limit';
import { createFieldCrypto } from './libraries/crypto';
import { errorHandler, requestContext, type AppState } from './libraries/http';
import { bodyLimit, requestTimeout } from './libraries/limits';
import { compression } from './libraries/responses';
import { mountRouters } from './libraries/router';
import { corsFor, isAnswerWideHeader, originsFrom, securityHeaders } from './libraries/security';
import { createIdempotencyStore } from './libraries/idempotency';
import type { Logger } from './libraries/logger';
import type { SubscriptionPlatform } from '@birth/shared';
import type { WriterHooks } from './libraries/versioned';
import {
  calendarOverridesFromConfig,
  channelFormatsFromConfig,
  DEV_SMS_SIGN_NAME,
  identityProvidersFromConfig,
  noticeSettingsFromConfig,
  pushProvidersFromConfig,
  smsChannelFromConfig,
} from './providers/from-config';
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
  const tasks = createTasksService({
    repo: applicationsRepo,
    crypto,
    calendar,
    now,
    attachments,
    noticeSettings: noticeSettingsFromConfig(config),
  });
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
    deps.sms !== undefined
      ? deps.sms
      : sms === 'dev'
        ? createDevSms({ connection, now, signName: config.SMS_SIGN_NAME ?? DEV_SMS_SIGN_NAME })
        : sms;
  // What each notice says per channel, from PUSH_TEMPLATES and SMS_TEMPLATES (parsed once): SMS fitted to
  // one segment for the configured vendor (or the dev inbox); push per platform, and without
  // PUSH_TEMPLATES (development) the dev push shows every notice.
  const formats = channelFormatsFromConfig(config);
  const smsFormat = formats.dev.sms;
  const pushFormatFor = (platform?: SubscriptionPlatform) =>
    platform && config.PUSH_TEMPLATES ? formats[platform] : formats.dev;
  // Channel policy (README "Notices"): push on a subscription credit, else SMS to a confirmed phone, by day, capped.
  const pushTemplateIds = pushTemplateIdsFromConfig(config);
  const subscriptions = createSubscriptionsStore({ connection, crypto, now });
  const limits = smsLimits(config.SMS_CAP_PER_HOUR, config.SMS_CAP_PER_DAY);
  // Per-recipient SMS caps, counted in the database so they hold across BFF processes (keys: blind indexes).
  const smsQuota = createQuota({ connection, collection: 'sms_quota', now });
  const phones = createPhoneConfirmations({
    connection,
    crypto,
    sms: smsChannel,
    smsFormat,
    quota: smsQuota,
    limits,
    now,
    // The number 浙里办 verified at login is the parent's own: it needs no code.
    verifiedPhone: (ownerId) => auth.verifiedPhone(ownerId),
  });
  const devPushToAll = !production && config.DEV_PUSH_WITHOUT_SUBSCRIPTION;
  const notifier = createNotifier({
    connection,
    crypto,
    now,
    push: deps.push !== undefined ? deps.push : production ? null : createDevPush({ connection, now }),
    // The real subscribe-message senders where configured (WeChat with the token shared by all processes,
    // Alipay through alipay-sdk); a platform without one uses \`push\` (the dev push outside production).
    pushByPlatform: deps.push !== undefined ? undefined : pushProvidersFromConfig(config, { connection, crypto }),
    sms: smsChannel,
    subscriptions: devPushToAll ? null : subscriptions,
    // Push per platform from PUSH_TEMPLATES (the dev push shows title and body); SMS fitted to one segment.
    formats: { push: (n) => pushFormatFor(n.platform).push(n), sms: smsFormat },
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

  // Outermost first: the request line and id; the answer's final form (caching, compression), errors
  // included; the error format; the headers every answer carries; limits; the gate, the body parser, the routes.
  const staticDir = config.STATIC_DIR ? path.resolve(ROOT, config.STATIC_DIR) : undefined;
  app.use(requestContext(logger));
  app.use(compression());
  app.use(errorHandler());
  app.use(
    securityHeaders({
      scriptHashes: staticDir ? inlineScriptHashes(staticDir) : [],
      frameAncestors: originsFrom(config.FRAME_ANCESTORS),
      hstsMaxAgeSeconds: config.HSTS_MAX_AGE_SECONDS,
    }),
  );
  const cors = corsFor(originsFrom(config.CORS_ORIGINS));
  if (cors) app.use(cors);
  app.use(
    requestTimeout({
      ms: config.REQUEST_TIMEOUT_MS,
      uploadMs: config.UPLOAD_TIMEOUT_MS,
      isUpload: isUploadRequest,
      keepHeader: isAnswerWideHeader,
    }),
  );
  app.use(bodyLimit({ bytes: config.BODY_LIMIT_KB * 1024, uploadBytes: UPLOAD_BODY_LIMIT_BYTES, isUpload: isUploadRequest }));
  app.use(authenticateByDefault(c.signer, PUBLIC_API_PATHS));
  const parseJson = bodyParser({
    enableTypes: ['json'],
    jsonLimit: `${config.BODY_LIMIT_KB}kb`,
    encoding: 'utf-8',
    jsonStrict: true,
  });
  app.use((ctx, next) => (ctx.method === 'GET' || ctx.method === 'HEAD' ? next() : parseJson(ctx, next))); // no bodies on reads
  app.use(mountRouters(buildRouters(deps, c)));
  if (staticDir) app.use(webApp(staticDir));
  return app;
}

/**
 * The only /api/ paths that answer without a token: the registry's public operations (operations.ts).
 * Every other /api/ path needs one (deny by default).
 */
export const PUBLIC_API_PATHS: readonly string[] = OPERATION_LIST.filter(
  (op) => op.auth === 'public' && op.path.startsWith('/api/'),
).map((op) => {
  if (op.path.includes('{')) throw new Error(`a public path must be exact: ${op.path}`);
  return op.path;
});

/** Every router of the BFF, in the order they are mounted (tests list their routes from here). */
export function buildRouters(deps: ServerDeps, c: Components): Router[] {
  const { config, connection } = deps;
  // Counted in the database, so the limits hold across replicas; keys are blind indexes, never an address.
  const quota = createQuota({ connection, collection: 'rate_limits', now: c.now });
  // One budget per parent across the application and rating routes.
  const parentLimit = rateLimit({
    name: 'parent',
    max: config.RATE_LIMIT_PARENT_PER_MINUTE,
    windowMs: 60_000,
    key: (ctx) => c.crypto.blindIndex((ctx.state.principal as Principal).sub, 'rate-limit:parent'),
    quota,
    now: () => c.now().getTime(),
  });
  const loginLimit = rateLimit({
    name: 'login',
    max: config.RATE_LIMIT_LOGIN_PER_MINUTE,
    windowMs: 60_000,
    key: (ctx) => c.crypto.blindIndex(ctx.ip, 'rate-limit:address'),
    quota,
    now: () => c.now().getTime(),
  });
  return [
    healthRouter(connection),
    guideRouter(c.guide, { wechat: config.WECHAT_SUBSCRIBE_TEMPLATES, alipay: config.ALIPAY_SUBSCRIBE_TEMPLATES }),
    openApiRouter(),
    authRouter(c.auth, loginLimit),
    applicationsRouter(c.applications, c.signer, c.idempotency, parentLimit),
    identityFillRouter(c.auth, c.applications, c.signer, parentLimit),
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
    ...(config.NODE_ENV !== 'production' ? [devInboxRouter({ connection }), docsRouter()] : []),
  ];
}
