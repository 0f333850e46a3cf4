import { z } from 'zod'
import { BUSINESS_ROLES } from './meta/index.js'
import { parseRoleMapping, type RoleGrant } from './console/auth/roles.js'

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes')
const port = z.coerce.number().int().min(0).max(65535)
const positiveInt = z.coerce.number().int().positive()
const nonNegativeInt = z.coerce.number().int().min(0)
const empty = (v: unknown) => (v === '' ? undefined : v)

/**
 * Every environment variable the service reads, with its default. README.md's table and
 * .env.example list the same variables; keep the three in step.
 */
export const envSchema = z.object({
  PORT: z.preprocess(empty, port.default(8080)),
  HOST: z.preprocess(empty, z.string().default('0.0.0.0')),
  DATA_DIR: z.preprocess(empty, z.string().default('./data')),
  DATABASE_URL: z.preprocess(empty, z.string().url().optional()),
  DATABASE_POOL_SIZE: z.preprocess(empty, positiveInt.default(10)),
  DATABASE_PREPARED_STATEMENTS: z.preprocess(empty, bool.default(true)),
  DATABASE_ANALYZE_INTERVAL_SECONDS: z.preprocess(empty, z.coerce.number().int().min(0).max(3600).default(15)),
  DATABASE_CONNECT_TIMEOUT_MS: z.preprocess(empty, nonNegativeInt.default(5_000)),
  DATABASE_STATEMENT_TIMEOUT_MS: z.preprocess(empty, nonNegativeInt.default(30_000)),
  DATABASE_IDLE_TIMEOUT_MS: z.preprocess(empty, nonNegativeInt.default(10_000)),
  DATABASE_REQUEST_DEADLINE_MS: z.preprocess(empty, nonNegativeInt.default(15_000)),
  LOG_LEVEL: z.preprocess(empty, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  PUBLIC_BASE_URL: z.preprocess(empty, z.string().url().optional()),
  ADMIN_TOKEN: z.preprocess(empty, z.string().min(20, 'must be at least 20 characters').optional()),
  SCIM_BEARER_TOKEN: z.preprocess(empty, z.string().min(20, 'must be at least 20 characters').optional()),
  SCIM_MAX_PAGE_SIZE: z.preprocess(empty, positiveInt.max(10_000).default(1000)),
  BODY_LIMIT_BYTES: z.preprocess(empty, positiveInt.default(1_048_576)),
  // Bounds on hostile or unlucky clients (docs/scim.md "Input limits", docs/operations.md).
  SCIM_MAX_MEMBERS_PER_RESPONSE: z.preprocess(empty, positiveInt.max(100_000).default(10_000)),
  HTTP_REQUEST_TIMEOUT_MS: z.preprocess(empty, positiveInt.default(30_000)),
  HTTP_HEADERS_TIMEOUT_MS: z.preprocess(empty, positiveInt.default(10_000)),
  HTTP_IDLE_TIMEOUT_MS: z.preprocess(empty, positiveInt.default(60_000)),
  HTTP_MAX_CONNECTIONS: z.preprocess(empty, positiveInt.default(1000)),
  SHUTDOWN_GRACE_MS: z.preprocess(empty, positiveInt.default(10_000)),
  ROLE: z.preprocess(empty, z.enum(['all', 'api', 'worker']).default('all')),
  TRUST_PROXY: z.preprocess(empty, bool.default(false)),
  METRICS_TOKEN: z.preprocess(empty, z.string().min(20, 'must be at least 20 characters').optional()),
  SCIM_RATE_LIMIT_PER_MINUTE: z.preprocess(empty, nonNegativeInt.default(0)),
  SCIM_RATE_LIMIT_BURST: z.preprocess(empty, nonNegativeInt.default(0)),
  OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: z.preprocess(empty, nonNegativeInt.default(1000)),
  OVERLOAD_MAX_HEAP_BYTES: z.preprocess(empty, nonNegativeInt.default(0)),
  OVERLOAD_BACKGROUND_EVENT_LOOP_DELAY_MS: z.preprocess(empty, nonNegativeInt.default(100)),
  OVERLOAD_RETRY_AFTER_SECONDS: z.preprocess(empty, positiveInt.max(3600).default(10)),
  // Provisioning (docs/provisioning.md). Unset META_* variables leave the default
  // tenant's Meta settings to the admin API; any of them set makes the environment authoritative.
  SECRETS_KEY: z.preprocess(empty, z.string().refine(isSecretKey, 'must encode 32 bytes as base64 or hex (openssl rand -base64 32)').optional()),
  META_BUSINESS_ID: z.preprocess(empty, z.string().regex(/^\d+$/, 'must be a numeric business id').optional()),
  META_ACCESS_TOKEN: z.preprocess(empty, z.string().optional()),
  META_APP_SECRET: z.preprocess(empty, z.string().optional()),
  META_IDENTITY_MODE: z.preprocess(empty, z.enum(['facebook_profiles', 'work_accounts']).optional()),
  META_INVITE_TYPE: z.preprocess(empty, z.enum(['FB', 'MWA']).optional()),
  META_DEFAULT_ROLE: z.preprocess(upperOrEmpty, z.enum([...BUSINESS_ROLES, 'NONE']).optional()),
  META_DRY_RUN: z.preprocess(empty, bool.optional()),
  META_WORK_ACCOUNTS_INVITE: z.preprocess(empty, bool.optional()),
  META_ACCESS_RULES: z.preprocess(empty, z.string().optional()),
  META_GRAPH_URL: z.preprocess(empty, z.string().url().default('https://graph.facebook.com')),
  META_API_VERSION: z.preprocess(empty, z.string().regex(/^v\d+\.\d+$/, 'must look like v26.0').default('v26.0')),
  META_POLL_INTERVAL_SECONDS: z.preprocess(empty, positiveInt.default(300)),
  META_TIMEOUT_MS: z.preprocess(empty, positiveInt.default(20_000)),
  WORKER_BATCH_SIZE: z.preprocess(empty, positiveInt.max(500).default(20)),
  // Unset: 8 on PostgreSQL, 2 on the embedded database, whose one connection every job in
  // flight takes turns on (more only adds waiting; bench/findings.md §10).
  WORKER_CONCURRENCY: z.preprocess(empty, positiveInt.max(32).optional()),
  RECONCILE_TRACES_PER_PERSON: z.preprocess(empty, positiveInt.max(1000).default(20)),
  // Removal brake of the default tenant (docs/removal-brake.md); unset keeps its settings.
  META_REMOVAL_BUDGET_COUNT: z.preprocess(empty, nonNegativeInt.optional()),
  META_REMOVAL_BUDGET_PERCENT: z.preprocess(empty, z.coerce.number().min(0).max(100).optional()),
  META_REMOVAL_WINDOW_SECONDS: z.preprocess(empty, positiveInt.optional()),
  // OAuth 2.0 token endpoint for the IdPs (docs/oauth.md).
  OAUTH_ACCESS_TOKEN_LIFETIME_SECONDS: z.preprocess(empty, z.coerce.number().int().min(3600).max(21600).default(3600)),
  OAUTH_CLIENT_FAILURES_PER_MINUTE: z.preprocess(empty, nonNegativeInt.default(10)),
  OAUTH_ADDRESS_FAILURES_PER_MINUTE: z.preprocess(empty, nonNegativeInt.default(60)),
  OAUTH_ALLOW_LOOPBACK_ISSUERS: z.preprocess(empty, bool.default(false)),
  // SCIM request log (docs/operations.md): written off the request path, pruned in the background.
  SCIM_REQUEST_LOG: z.preprocess(empty, bool.default(true)),
  SCIM_REQUEST_LOG_RETENTION_DAYS: z.preprocess(empty, positiveInt.max(3650).default(30)),
  SCIM_REQUEST_LOG_MAX_ROWS_PER_TENANT: z.preprocess(empty, positiveInt.default(100_000)),
  SCIM_REQUEST_LOG_BUFFER_SIZE: z.preprocess(empty, positiveInt.max(1_000_000).default(10_000)),
  SCIM_REQUEST_LOG_MASK_ATTRIBUTES: z.preprocess(empty, z.string().default('')),
  // Chart history (docs/operations.md §11): queue and rate-limit samples for the console's charts.
  CHART_SAMPLE_INTERVAL_SECONDS: z.preprocess(empty, z.coerce.number().int().min(10).max(3600).default(60)),
  CHART_SAMPLE_RETENTION_DAYS: z.preprocess(empty, positiveInt.max(365).default(14)),
  // Admin console under /ui (docs/console.md): sign-in and session lifetimes.
  CONSOLE: z.preprocess(empty, bool.default(true)),
  CONSOLE_TOKEN_SIGN_IN: z.preprocess(empty, bool.default(true)),
  CONSOLE_OIDC_ISSUER: z.preprocess(empty, z.string().url().optional()),
  CONSOLE_OIDC_CLIENT_ID: z.preprocess(empty, z.string().optional()),
  CONSOLE_OIDC_CLIENT_SECRET: z.preprocess(empty, z.string().optional()),
  CONSOLE_OIDC_SCOPES: z.preprocess(empty, z.string().default('openid profile email')),
  CONSOLE_OIDC_CLAIM: z.preprocess(empty, z.string().default('groups')),
  CONSOLE_OIDC_ALLOWED: z.preprocess(empty, z.string().optional()),
  CONSOLE_OIDC_ROLES: z.preprocess(empty, z.string().optional()),
  CONSOLE_SESSION_IDLE_MINUTES: z.preprocess(empty, positiveInt.max(24 * 60).default(30)),
  CONSOLE_SESSION_MAX_HOURS: z.preprocess(empty, positiveInt.max(24 * 7).default(8))
}).superRefine((e, ctx) => {
  // A half-configured OIDC sign-in would fail at the first click; say so at start instead.
  if (e.CONSOLE_OIDC_ROLES !== undefined) {
    try {
      parseRoleMapping(e.CONSOLE_OIDC_ROLES)
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['CONSOLE_OIDC_ROLES'], message: (err as Error).message })
    }
  }
  if (e.CONSOLE_OIDC_ISSUER === undefined) return
  for (const name of ['CONSOLE_OIDC_CLIENT_ID', 'CONSOLE_OIDC_CLIENT_SECRET'] as const) {
    if (e[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: 'required when CONSOLE_OIDC_ISSUER is set' })
  }
  if (e.CONSOLE_OIDC_ALLOWED === undefined && e.CONSOLE_OIDC_ROLES === undefined) {
    ctx.addIssue({
      code: 'custom', path: ['CONSOLE_OIDC_ALLOWED'], message: 'CONSOLE_OIDC_ALLOWED or CONSOLE_OIDC_ROLES is required when CONSOLE_OIDC_ISSUER is set'
    })
  }
})

function upperOrEmpty (v: unknown): unknown {
  return typeof v === 'string' ? (v === '' ? undefined : v.toUpperCase()) : v
}

function isSecretKey (v: string): boolean {
  const t = v.trim()
  return (/^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64')).length === 32
}

/** The Meta variables as given; which of them are set matters (src/tenants/meta-settings-env.ts). */
export interface MetaEnv {
  businessId: string | undefined
  accessToken: string | undefined
  appSecret: string | undefined
  identityMode: 'facebook_profiles' | 'work_accounts' | undefined
  inviteType: 'FB' | 'MWA' | undefined
  /** A Meta role, 'NONE' for no default role, or undefined when unset. */
  defaultRole: z.infer<typeof envSchema>['META_DEFAULT_ROLE']
  dryRun: boolean | undefined
  /** work_accounts mode: invite managed accounts (MWA) instead of waiting for the IdP's connector. */
  workAccountsInvite: boolean | undefined
  /** JSON, or `@path` to a JSON file. */
  accessRules: string | undefined
  graphUrl: string
  apiVersion: string
  pollIntervalSeconds: number
  timeoutMs: number
}

export type Config = Readonly<{
  port: number
  host: string
  dataDir: string
  databaseUrl: string | undefined
  databasePoolSize: number
  databasePreparedStatements: boolean
  /** DATABASE_ANALYZE_INTERVAL_SECONDS: how often grown tables are analyzed (0: never). */
  databaseAnalyzeIntervalSeconds: number
  /** Pool and server timeouts (src/db/database.ts); 0 turns one off. */
  databaseTimeouts: Readonly<{ connectMs: number, statementMs: number, idleMs: number }>
  /** Longest a request waits for the database in all before 503; 0 = no deadline. */
  databaseRequestDeadlineMs: number
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL']
  publicBaseUrl: string | undefined
  scimBearerToken: string | undefined
  adminToken: string | undefined
  scimMaxPageSize: number
  bodyLimitBytes: number
  /** Most group members one SCIM answer carries (docs/scim.md "Group answers"). */
  scimMaxMembersPerResponse: number
  /** Whole request, headers and body, must arrive within this (408 otherwise). */
  httpRequestTimeoutMs: number
  /** Request headers must arrive within this (408 otherwise). */
  httpHeadersTimeoutMs: number
  /** A connection with no traffic for this long is closed. */
  httpIdleTimeoutMs: number
  /** Connections beyond this are closed as they arrive. */
  httpMaxConnections: number
  shutdownGraceMs: number
  role: 'all' | 'api' | 'worker'
  trustProxy: boolean
  /** Bearer token for /metrics; unset leaves /metrics open. */
  metricsToken: string | undefined
  /** Per-tenant requests per minute on /scim/v2, per replica; 0 = no limit. */
  scimRateLimitPerMinute: number
  /** Largest burst per tenant; 0 = ten seconds' worth of the rate. */
  scimRateLimitBurst: number
  /** 503 while the mean event-loop delay exceeds this; 0 = off. */
  overloadMaxEventLoopDelayMs: number
  /** 503 while the V8 heap in use exceeds this; 0 = off. */
  overloadMaxHeapBytes: number
  /** Background work (the reconcile worker) pauses while the mean event-loop delay exceeds this; 0 = off. */
  overloadBackgroundEventLoopDelayMs: number
  overloadRetryAfterSeconds: number
  /** AES-256-GCM key for Meta secrets at rest; unset on PGlite: a key file in DATA_DIR. */
  secretsKey: string | undefined
  meta: Readonly<MetaEnv>
  /** WORKER_*, and RECONCILE_TRACES_PER_PERSON: reconcile traces kept per person. */
  worker: Readonly<{ batchSize: number, concurrency: number, tracesPerPerson: number }>
  /** META_REMOVAL_*: applied to the default tenant's removal brake at start when set. */
  removalBrake: Readonly<{
    budgetCount: number | undefined, budgetPercent: number | undefined, windowSeconds: number | undefined
  }>
  oauth: Readonly<{
    /** `expires_in` of issued access tokens, 3600–21600 s. */
    accessTokenLifetimeSeconds: number
    /** Failed token requests per client id per minute before 429; 0 = no limit. */
    clientFailuresPerMinute: number
    /** Failed token requests per source address per minute before 429; 0 = no limit. */
    addressFailuresPerMinute: number
    /** Tests only: federation trusts may name loopback issuers and key sets over http. */
    allowLoopbackIssuers: boolean
  }>
  /** SCIM_REQUEST_LOG*: the per-tenant SCIM request log. */
  requestLog: Readonly<{
    enabled: boolean
    retentionDays: number
    maxRowsPerTenant: number
    bufferSize: number
    /** Attribute names masked in logged bodies, besides passwords, tokens and secrets. */
    maskAttributes: readonly string[]
  }>
  /** CHART_SAMPLE_*: the sampled history behind the queue and rate-limit charts (src/charts/history-sampler.ts). */
  chartSamples: Readonly<{
    intervalSeconds: number
    retentionDays: number
  }>
  /** CONSOLE*: the admin console under /ui (src/console/, docs/console.md). */
  console: Readonly<ConsoleConfig>
}>

export interface ConsoleConfig {
  enabled: boolean
  /** Break-glass sign-in with an admin token; false leaves OIDC as the only way in. */
  tokenSignIn: boolean
  oidc: Readonly<{
    issuer: string
    clientId: string
    clientSecret: string
    scopes: string
    /** The ID token or UserInfo claim holding groups (Okta) or app roles (Entra: `roles`). */
    claim: string
    /** Values of that claim that make a person admin of every tenant (CONSOLE_OIDC_ALLOWED). */
    allowed: readonly string[]
    /** CONSOLE_OIDC_ROLES: values of that claim that give a role, on every tenant or on some. */
    grants: readonly RoleGrant[]
  }> | undefined
  idleMinutes: number
  maxHours: number
}

export class ConfigError extends Error {
  override name = 'ConfigError'
  constructor (readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

/** Parses the environment once; throws ConfigError naming every bad variable. */
export function loadConfig (env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.')
      const value = env[name]
      // Never echo values of secret variables into logs.
      const shown = value === undefined || /TOKEN|SECRET|KEY|URL/.test(name) ? '' : ` (got "${value}")`
      return `${name}: ${issue.message}${shown}`
    })
    throw new ConfigError(problems)
  }
  const e = parsed.data
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databasePreparedStatements: e.DATABASE_PREPARED_STATEMENTS,
    databaseAnalyzeIntervalSeconds: e.DATABASE_ANALYZE_INTERVAL_SECONDS,
    databaseTimeouts: Object.freeze({
      connectMs: e.DATABASE_CONNECT_TIMEOUT_MS,
      statementMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
      idleMs: e.DATABASE_IDLE_TIMEOUT_MS
    }),
    databaseRequestDeadlineMs: e.DATABASE_REQUEST_DEADLINE_MS,
    logLevel: e.LOG_LEVEL,
    publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    scimBearerToken: e.SCIM_BEARER_TOKEN,
    adminToken: e.ADMIN_TOKEN,
    scimMaxPageSize: e.SCIM_MAX_PAGE_SIZE,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    scimMaxMembersPerResponse: e.SCIM_MAX_MEMBERS_PER_RESPONSE,
    httpRequestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
    // Node requires headersTimeout ≤ requestTimeout.
    httpHeadersTimeoutMs: Math.min(e.HTTP_HEADERS_TIMEOUT_MS, e.HTTP_REQUEST_TIMEOUT_MS),
    httpIdleTimeoutMs: e.HTTP_IDLE_TIMEOUT_MS,
    httpMaxConnections: e.HTTP_MAX_CONNECTIONS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    role: e.ROLE,
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.METRICS_TOKEN,
    scimRateLimitPerMinute: e.SCIM_RATE_LIMIT_PER_MINUTE,
    scimRateLimitBurst: e.SCIM_RATE_LIMIT_BURST,
    overloadMaxEventLoopDelayMs: e.OVERLOAD_MAX_EVENT_LOOP_DELAY_MS,
    overloadMaxHeapBytes: e.OVERLOAD_MAX_HEAP_BYTES,
    overloadBackgroundEventLoopDelayMs: e.OVERLOAD_BACKGROUND_EVENT_LOOP_DELAY_MS,
    overloadRetryAfterSeconds: e.OVERLOAD_RETRY_AFTER_SECONDS,
    secretsKey: e.SECRETS_KEY,
    meta: Object.freeze({
      businessId: e.META_BUSINESS_ID,
      accessToken: e.META_ACCESS_TOKEN,
      appSecret: e.META_APP_SECRET,
      identityMode: e.META_IDENTITY_MODE,
      inviteType: e.META_INVITE_TYPE,
      defaultRole: e.META_DEFAULT_ROLE,
      dryRun: e.META_DRY_RUN,
      workAccountsInvite: e.META_WORK_ACCOUNTS_INVITE,
      accessRules: e.META_ACCESS_RULES,
      graphUrl: e.META_GRAPH_URL.replace(/\/+$/, ''),
      apiVersion: e.META_API_VERSION,
      pollIntervalSeconds: e.META_POLL_INTERVAL_SECONDS,
      timeoutMs: e.META_TIMEOUT_MS
    }),
    worker: Object.freeze({
      batchSize: e.WORKER_BATCH_SIZE,
      concurrency: e.WORKER_CONCURRENCY ?? (e.DATABASE_URL === undefined ? 2 : 8),
      tracesPerPerson: e.RECONCILE_TRACES_PER_PERSON
    }),
    removalBrake: Object.freeze({
      budgetCount: e.META_REMOVAL_BUDGET_COUNT,
      budgetPercent: e.META_REMOVAL_BUDGET_PERCENT,
      windowSeconds: e.META_REMOVAL_WINDOW_SECONDS
    }),
    oauth: Object.freeze({
      accessTokenLifetimeSeconds: e.OAUTH_ACCESS_TOKEN_LIFETIME_SECONDS,
      clientFailuresPerMinute: e.OAUTH_CLIENT_FAILURES_PER_MINUTE,
      addressFailuresPerMinute: e.OAUTH_ADDRESS_FAILURES_PER_MINUTE,
      allowLoopbackIssuers: e.OAUTH_ALLOW_LOOPBACK_ISSUERS
    }),
    requestLog: Object.freeze({
      enabled: e.SCIM_REQUEST_LOG,
      retentionDays: e.SCIM_REQUEST_LOG_RETENTION_DAYS,
      maxRowsPerTenant: e.SCIM_REQUEST_LOG_MAX_ROWS_PER_TENANT,
      bufferSize: e.SCIM_REQUEST_LOG_BUFFER_SIZE,
      maskAttributes: Object.freeze(e.SCIM_REQUEST_LOG_MASK_ATTRIBUTES.split(',').map((a) => a.trim()).filter((a) => a !== ''))
    }),
    chartSamples: Object.freeze({
      intervalSeconds: e.CHART_SAMPLE_INTERVAL_SECONDS,
      retentionDays: e.CHART_SAMPLE_RETENTION_DAYS
    }),
    console: Object.freeze({
      enabled: e.CONSOLE,
      tokenSignIn: e.CONSOLE_TOKEN_SIGN_IN,
      oidc: e.CONSOLE_OIDC_ISSUER === undefined
        ? undefined
        : Object.freeze({
          issuer: e.CONSOLE_OIDC_ISSUER,
          clientId: e.CONSOLE_OIDC_CLIENT_ID ?? '',
          clientSecret: e.CONSOLE_OIDC_CLIENT_SECRET ?? '',
          scopes: e.CONSOLE_OIDC_SCOPES,
          claim: e.CONSOLE_OIDC_CLAIM,
          allowed: Object.freeze((e.CONSOLE_OIDC_ALLOWED ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '')),
          grants: Object.freeze(parseRoleMapping(e.CONSOLE_OIDC_ROLES ?? ''))
        }),
      idleMinutes: e.CONSOLE_SESSION_IDLE_MINUTES,
      maxHours: e.CONSOLE_SESSION_MAX_HOURS
    })
  })
}
