// Runtime configuration: one schema, every key described with its default, checked once at start.
// A bad value stops the process with one line naming the key (see `loadConfig` / ConfigError).
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

const DEV_ONLY = 'development-only-key-never-use-in-production';
const port = (what: string) => z.coerce.number().int().min(0, `${what} must be 0–65535`).max(65535, `${what} must be 0–65535`);
const base64Key = z
  .string()
  .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)');
const url = z.string().url('must be a URL such as https://api.example.com');
/** A comma-separated list of at most 3 template ids (one subscribe prompt shows at most 3). */
const templateList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
  )
  .refine((ids) => ids.length <= 3, { message: 'at most 3 template ids: one subscribe prompt shows at most 3' });

const optionalUrl = url.optional();
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * A comma-separated list of web origins (scheme://host[:port], or scheme://*.domain for every subdomain);
 * never `*`. With `allowNone`, the single value `none` means an empty list on purpose.
 */
const ORIGIN = /^https?:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/i;
const originList = (allowNone: boolean) =>
  z.string().refine(
    (s) =>
      (allowNone && s.trim() === 'none') ||
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean)
        .every((o) => ORIGIN.test(o)),
    'must be comma-separated origins such as https://app.example.cn or https://*.example.cn (no paths, no bare *)',
  );

const mongoUri = z.string().refine((s) => {
  if (!/^mongodb(\+srv)?:\/\//.test(s)) return false;
  try {
    const u = new URL(s.replace(/^mongodb(\+srv)?:/, 'http:'));
    return u.hostname.length > 0 && !s.slice(s.indexOf('//') + 2).startsWith('/');
  } catch {
    return false;
  }
}, 'must be a MongoDB connection string such as mongodb://127.0.0.1:27017/birth');

/** Every configuration key with its description and default. Environment variable = key. */
export const ConfigSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'test', 'production'])
    .default('production')
    .describe(
      'production (the default: safe unless told otherwise) | development | test; only development and test allow dev login, dev accounts, the dev inbox and default keys (npm start sets development)',
    ),
  HOST: z.string().default('127.0.0.1').describe('address the BFF listens on (0.0.0.0 behind a load balancer)'),
  PORT: port('PORT').default(3000).describe('HTTP port of the BFF (0 = any free port)'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('pino log level'),
  MONGODB_URI: mongoUri.describe('MongoDB connection string; `npm start` sets it to the embedded FerretDB when unset'),
  MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,60}$/, 'must be a database name of letters, digits, _ and -')
    .default('birth')
    .describe('database name'),
  TRUSTED_PROXY_HOPS: z.coerce
    .number()
    .int()
    .min(0)
    .max(10)
    .default(0)
    .describe(
      'how many reverse proxies in front of the BFF append to X-Forwarded-For (0 = trust none: the client address is the socket peer, so a forged header cannot dodge per-address limits)',
    ),
  STATIC_DIR: z.string().default('miniapp/dist/h5').describe('folder of the H5 build served at / (empty = none)'),
  BODY_LIMIT_KB: z.coerce
    .number()
    .int()
    .min(1)
    .max(1024)
    .default(64)
    .describe('largest request body on every route but the photo upload (which has its own limit), in KiB; over it is 413'),
  REQUEST_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(30_000)
    .describe(
      'a request still running after this many ms is answered 503 (Retry-After), checked every tenth of it (at most 1 s); photo uploads have UPLOAD_TIMEOUT_MS',
    ),
  UPLOAD_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(120_000)
    .describe('the same for a photo upload, which a phone on a slow network may take a while to send'),
  CORS_ORIGINS: originList(false)
    .default('')
    .describe(
      "browser origins other than the BFF's own that may call the API (CORS), comma-separated: https://app.example.cn or https://*.example.cn; empty = none",
    ),
  FRAME_ANCESTORS: originList(true)
    .default('https://*.zjzwfw.gov.cn')
    .describe(
      "origins that may show the H5 app in a frame (CSP frame-ancestors) besides the BFF's own: 浙里办 and 浙江政务服务网 (*.zjzwfw.gov.cn) by default; 'none' = no one",
    ),
  HSTS_MAX_AGE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 * 365 * 86400)
    .default(365 * 86400)
    .describe('Strict-Transport-Security max-age (browsers then use HTTPS only); 0 = no HSTS header'),
  JWT_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters of random data')
    .optional()
    .describe('HS256 secret for access tokens (required in production)'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900).describe('access token lifetime in seconds'),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(30).describe('refresh token lifetime in days'),
  DATA_ENCRYPTION_KEY: base64Key
    .optional()
    .describe('AES-256-GCM key for ID numbers, phones and photos (required in production)'),
  BLIND_INDEX_KEY: base64Key
    .optional()
    .describe('HMAC key of the blind index used to look up encrypted values (required in production)'),
  RATE_LIMIT_LOGIN_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .max(100000)
    .default(30)
    .describe('login and token requests per client address per minute, per BFF process'),
  RATE_LIMIT_PARENT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .max(100000)
    .default(300)
    .describe("a parent's application requests per minute, per BFF process"),
  DRAFT_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(72)
    .describe('abandoned drafts are removed after this many hours'),
  SWEEPER_INTERVAL_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(86400)
    .default(600)
    .describe('how often expired drafts and records are swept'),
  IDEMPOTENCY_LEASE_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(600)
    .default(30)
    .describe(
      'how long a request holds its Idempotency-Key; a retry after that runs it again (a crashed request never blocks its key)',
    ),
  ARCHIVE_AFTER_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(30)
    .describe('finished applications untouched this many days move to the archive (still readable by owner and operators)'),
  ARCHIVE_INTERVAL_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(60)
    .describe('how often the sweeper runs its full scans (archive, due-queue repair); 0 = every sweep'),
  RELAY_ENABLED: bool.default(true).describe('run the outbox relay worker in this process'),
  RELAY_INTERVAL_MS: z.coerce.number().int().min(10).max(60000).default(500).describe('outbox relay poll interval'),
  RELAY_LEASE_SECONDS: z.coerce
    .number()
    .int()
    .min(2)
    .max(600)
    .default(30)
    .describe("how long a relay holds one application's outbox; a relay that died is taken over after this"),
  RELAY_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4).describe('applications one relay delivers at once'),
  NOTICE_COMBINE_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3600)
    .default(120)
    .describe('item changes of one application within this many seconds go out as one combined notice (0 = never combine)'),
  SMS_QUIET_HOURS: z
    .string()
    .regex(/^(([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d|off)$/, 'must be HH:MM-HH:MM (China time) or off')
    .default('21:00-08:00')
    .describe('notice SMS wait until the end of these hours, China time (verification codes do not wait); off = none'),
  SMS_CAP_PER_HOUR: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(5)
    .describe('SMS one phone number may receive per hour (China-time clock hours), across all BFF processes'),
  SMS_CAP_PER_DAY: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .describe('SMS one phone number may receive per China-time day, across all BFF processes'),
  SMS_REQUIRE_CONFIRMED_PHONE: bool
    .default(true)
    .describe(
      'notice SMS go only to phones the parent confirmed with a code (POST /api/v1/applications/:id/phone-confirmations); false only for tests of other features',
    ),
  DEV_PUSH_WITHOUT_SUBSCRIPTION: bool
    .default(false)
    .describe(
      'outside production only: the dev push reaches every parent without a subscription credit (the test default of suites about other features)',
    ),
  RATING_CASE_DAY_UNIT: z
    .enum(['calendar', 'working'])
    .default('calendar')
    .describe('bad-rating case deadlines count calendar days (as Zhejiang reports them) or working days'),
  RATING_CALLBACK_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(30)
    .default(1)
    .describe('a bad rating is called back within this many days'),
  RATING_FEEDBACK_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(90)
    .default(15)
    .describe('rectification and feedback to the parent within this many days of a bad rating'),
  DEPT_CLIENTS: z
    .string()
    .optional()
    .describe('department service accounts: code:clientId:secret,… (dev defaults when unset outside production)'),
  OPERATOR_CLIENTS: z
    .string()
    .optional()
    .describe('operator service accounts: clientId:secret,… (a dev default when unset outside production)'),
  WECHAT_API_BASE: optionalUrl.describe('WeChat API base URL, e.g. https://api.weixin.qq.com'),
  WECHAT_APP_ID: z.string().optional().describe('WeChat mini program AppID'),
  WECHAT_APP_SECRET: z.string().optional().describe('WeChat mini program AppSecret'),
  ALIPAY_GATEWAY: optionalUrl.describe('Alipay OpenAPI gateway, e.g. https://openapi.alipay.com'),
  ALIPAY_APP_ID: z.string().optional().describe('Alipay mini program app_id'),
  ALIPAY_PRIVATE_KEY: z.string().optional().describe('our RSA2 private key (PEM) for Alipay'),
  ALIPAY_PUBLIC_KEY: z.string().optional().describe('Alipay public key (PEM) to verify responses (public-key mode)'),
  ALIPAY_APP_CERT: z
    .string()
    .optional()
    .describe('certificate mode: the app public-key certificate (appCertPublicKey_….crt), PEM text or a file path'),
  ALIPAY_PUBLIC_CERT: z
    .string()
    .optional()
    .describe('certificate mode: the Alipay public-key certificate (alipayCertPublicKey_RSA2.crt), PEM text or a file path'),
  ALIPAY_ROOT_CERT: z
    .string()
    .optional()
    .describe('certificate mode: the Alipay root certificate (alipayRootCert.crt), PEM text or a file path'),
  WECHAT_SUBSCRIBE_TEMPLATES: templateList.describe(
    'WeChat subscribe-message template ids the app asks for after submitting (progress, pickup, rating; at most 3), comma-separated',
  ),
  ALIPAY_SUBSCRIBE_TEMPLATES: templateList.describe(
    'Alipay subscribe-message template ids (entityIds) the app asks for after submitting (at most 3), comma-separated',
  ),
  ZHELIBAN_APP_ID: z.string().optional().describe('浙里办 IRS application id sent with SSO tickets'),
  PROVIDER_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(60000)
    .default(5000)
    .describe('timeout of each call to an outside provider'),
  CALENDAR_OVERRIDES: z
    .string()
    .regex(
      /^(\d{4}-\d{2}-\d{2}:(workday|holiday))(,\d{4}-\d{2}-\d{2}:(workday|holiday))*$/,
      'must be YYYY-MM-DD:workday|holiday,…',
    )
    .optional()
    .describe('operator corrections to the working-day calendar, e.g. a schedule published after the installed data'),
  ZHELIBAN_GATEWAY: optionalUrl.describe('浙里办 / IRS gateway base URL'),
  ZHELIBAN_ACCESS_KEY: z.string().optional().describe('IRS gateway access key'),
  ZHELIBAN_SECRET_KEY: z.string().optional().describe('IRS gateway secret key'),
  PHOTO_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(16)
    .default(2)
    .describe('ID photos processed at once per BFF process (each needs up to ~100 MB while decoding); more wait their turn'),
  PHOTO_RETENTION_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(30)
    .describe('photos of completed applications are deleted this many days after the last change'),
  SUBMIT_REQUIRES_ID_MATERIALS: bool
    .default(true)
    .describe(
      'submit refuses an application whose required ID photos (or shared licences) are missing; off only for tests of other features',
    ),
  LICENCE_PROVIDER: z
    .enum(['dev', 'irs', 'off'])
    .default('dev')
    .describe(
      'shared electronic licence library: dev answers from demo data (not in production), irs calls LICENCE_GATEWAY, off offers no licence',
    ),
  LICENCE_GATEWAY: optionalUrl.describe('IRS gateway base URL of the shared licence library, e.g. https://bcdsg.zj.gov.cn:8443'),
  LICENCE_ACCESS_KEY: z.string().optional().describe('IRS access key of the licence library component'),
  LICENCE_SECRET_KEY: z.string().optional().describe('IRS secret key of the licence library component'),
  SMS_VENDOR: z
    .enum(['dev', 'aliyun', 'tencent', 'off'])
    .default('dev')
    .describe('SMS provider; dev lands in /dev/inbox (not in production), off sends none'),
  SMS_ENDPOINT: optionalUrl.describe('SMS API endpoint, e.g. https://dysmsapi.aliyuncs.com or https://sms.tencentcloudapi.com'),
  SMS_ACCESS_KEY_ID: z.string().optional().describe('Aliyun AccessKey ID / Tencent SecretId'),
  SMS_ACCESS_KEY_SECRET: z.string().optional().describe('Aliyun AccessKey secret / Tencent SecretKey'),
  SMS_SIGN_NAME: z.string().optional().describe('approved SMS signature (短信签名)'),
  SMS_SDK_APP_ID: z.string().optional().describe('Tencent SmsSdkAppId'),
  SMS_REGION: z.string().default('ap-guangzhou').describe('Tencent region'),
  SMS_TEMPLATES: z
    .string()
    .optional()
    .describe(
      'JSON map from SMS template id to the approved vendor template code, e.g. {"item_rejected":"SMS_123","item_ready_for_pickup.withCode":"SMS_456"}; ids, texts and variables are listed in the README (Tencent: the same variables, positional)',
    ),
  PUSH_TEMPLATES: z
    .string()
    .optional()
    .describe(
      'JSON: per platform and notice, the subscribe-message template id and which notice field fills each keyword, e.g. {"wechat":{"item_accepted":{"templateId":"…","fields":{"thing1":"item","phrase2":"status","time3":"time","thing4":"tip"}}},"alipay":{…}}; fields: item, status, tip, time, code, place, amount, date, count; unset: the dev push shows title and body',
    ),
  MEDICAL_INSURANCE_FEE: z
    .string()
    .regex(/^\d{1,6}(\.\d{1,2})?$/, 'must be an amount in yuan, e.g. 400 or 380.50')
    .optional()
    .describe(
      "the newborn's yearly resident medical-insurance contribution in yuan, named in the §6.3.3 payment prompt; unset: no amount is stated",
    ),
  MEDICAL_INSURANCE_PAY_WITHIN_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(366)
    .default(90)
    .describe("days after birth by which the §6.3.3 prompt asks the parents to pay the newborn's medical insurance"),
});

export type Config = z.infer<typeof ConfigSchema> & {
  JWT_SECRET: string;
  DATA_ENCRYPTION_KEY: string;
  BLIND_INDEX_KEY: string;
};

export class ConfigError extends Error {}

/** A real SMS vendor needs its credentials and a parsable template map; each missing key is named. */
function smsConfigProblems(c: z.infer<typeof ConfigSchema>): string[] {
  if (c.SMS_VENDOR !== 'aliyun' && c.SMS_VENDOR !== 'tencent') return [];
  const needed = [
    'SMS_ENDPOINT',
    'SMS_ACCESS_KEY_ID',
    'SMS_ACCESS_KEY_SECRET',
    'SMS_SIGN_NAME',
    'SMS_TEMPLATES',
    ...(c.SMS_VENDOR === 'tencent' ? (['SMS_SDK_APP_ID'] as const) : []),
  ] as const;
  const problems: string[] = needed.filter((k) => !c[k]).map((k) => `${k}: required when SMS_VENDOR=${c.SMS_VENDOR}`);
  if (c.SMS_TEMPLATES) {
    try {
      const map = JSON.parse(c.SMS_TEMPLATES) as unknown;
      if (typeof map !== 'object' || map === null || Array.isArray(map) || Object.values(map).some((v) => typeof v !== 'string'))
        throw new Error();
    } catch {
      problems.push('SMS_TEMPLATES: must be a JSON object of template → vendor template code');
    }
  }
  return problems;
}

/** PUSH_TEMPLATES must be a JSON object of platforms (its fields are checked where the formats are built). */
function pushTemplatesProblems(c: z.infer<typeof ConfigSchema>): string[] {
  if (!c.PUSH_TEMPLATES) return [];
  try {
    const map = JSON.parse(c.PUSH_TEMPLATES) as unknown;
    if (typeof map !== 'object' || map === null || Array.isArray(map)) throw new Error();
    return Object.keys(map)
      .filter((k) => k !== 'wechat' && k !== 'alipay')
      .map((k) => `PUSH_TEMPLATES.${k}: unknown platform (wechat, alipay)`);
  } catch {
    return [
      'PUSH_TEMPLATES: must be a JSON object such as {"wechat":{"item_accepted":{"templateId":"…","fields":{"thing1":"item"}}}}',
    ];
  }
}

const EMPTY_IS_A_VALUE = new Set(['STATIC_DIR']);
const REQUIRED_IN_PRODUCTION = ['JWT_SECRET', 'DATA_ENCRYPTION_KEY', 'BLIND_INDEX_KEY'] as const;

/**
 * Parses the environment into a Config. Throws ConfigError whose message is one line per bad key.
 * Outside production, missing secrets get fixed development values (the same across restarts, so
 * data encrypted in the embedded database stays readable); production refuses to start without them.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty value means "not set", except where empty is itself a setting (STATIC_DIR='' serves no app).
  const input = Object.fromEntries(
    Object.keys(ConfigSchema.shape).map((k) => [k, env[k] === '' && !EMPTY_IS_A_VALUE.has(k) ? undefined : env[k]]),
  );
  const parsed = ConfigSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) =>
        `${String(i.path[0] ?? '?')}: ${i.message}${i.code === 'invalid_type' && input[String(i.path[0])] === undefined ? ' (not set)' : ''}`,
    );
    throw new ConfigError(lines.join('; '));
  }
  const c = parsed.data;
  if (c.LICENCE_PROVIDER === 'irs') {
    const missing = (['LICENCE_GATEWAY', 'LICENCE_ACCESS_KEY', 'LICENCE_SECRET_KEY'] as const).filter((k) => !c[k]);
    if (missing.length) throw new ConfigError(missing.map((k) => `${k}: required when LICENCE_PROVIDER=irs`).join('; '));
  }
  const smsProblems = [...smsConfigProblems(c), ...pushTemplatesProblems(c)];
  if (smsProblems.length) throw new ConfigError(smsProblems.join('; '));
  const devKey = (label: string) => createHash('sha256').update(`${DEV_ONLY}:${label}`).digest('base64');
  if (c.NODE_ENV === 'production') {
    const problems = REQUIRED_IN_PRODUCTION.filter((k) => !c[k]).map(
      (k) => `${k}: required when NODE_ENV=production (set NODE_ENV=development for a local run)`,
    );
    // The development values are public (they are in this file): refuse them outright.
    const devValues: Record<string, string> = {
      JWT_SECRET: `${DEV_ONLY}-jwt-secret`,
      DATA_ENCRYPTION_KEY: devKey('data'),
      BLIND_INDEX_KEY: devKey('index'),
    };
    for (const k of REQUIRED_IN_PRODUCTION) {
      if (c[k] && (c[k] === devValues[k] || c[k]!.includes(DEV_ONLY)))
        problems.push(`${k}: the development default must not be used in production`);
    }
    for (const k of ['DEPT_CLIENTS', 'OPERATOR_CLIENTS'] as const) {
      if (!c[k]) problems.push(`${k}: required when NODE_ENV=production (service accounts are never defaulted)`);
      else if (/(^|[,:])dev-/.test(c[k]!)) problems.push(`${k}: dev-… accounts are not allowed in production`);
    }
    if (problems.length) throw new ConfigError(problems.join('; '));
  }
  return {
    ...c,
    JWT_SECRET: c.JWT_SECRET ?? (c.NODE_ENV === 'test' ? randomBytes(32).toString('hex') : `${DEV_ONLY}-jwt-secret`),
    DATA_ENCRYPTION_KEY: c.DATA_ENCRYPTION_KEY ?? devKey('data'),
    BLIND_INDEX_KEY: c.BLIND_INDEX_KEY ?? devKey('index'),
  };
}
