import { z } from 'zod'

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes')
const port = z.coerce.number().int().min(0).max(65535)
const positiveInt = z.coerce.number().int().positive()
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
  LOG_LEVEL: z.preprocess(empty, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  PUBLIC_BASE_URL: z.preprocess(empty, z.string().url().optional()),
  ADMIN_TOKEN: z.preprocess(empty, z.string().min(20, 'must be at least 20 characters').optional()),
  SCIM_BEARER_TOKEN: z.preprocess(empty, z.string().min(20, 'must be at least 20 characters').optional()),
  SCIM_MAX_PAGE_SIZE: z.preprocess(empty, positiveInt.max(10_000).default(1000)),
  BODY_LIMIT_BYTES: z.preprocess(empty, positiveInt.default(1_048_576)),
  SHUTDOWN_GRACE_MS: z.preprocess(empty, positiveInt.default(10_000)),
  ROLE: z.preprocess(empty, z.enum(['all', 'api', 'worker']).default('all')),
  TRUST_PROXY: z.preprocess(empty, bool.default(false))
})

export type Config = Readonly<{
  port: number
  host: string
  dataDir: string
  databaseUrl: string | undefined
  databasePoolSize: number
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL']
  publicBaseUrl: string | undefined
  scimBearerToken: string | undefined
  adminToken: string | undefined
  scimMaxPageSize: number
  bodyLimitBytes: number
  shutdownGraceMs: number
  role: 'all' | 'api' | 'worker'
  trustProxy: boolean
}>

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
    logLevel: e.LOG_LEVEL,
    publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    scimBearerToken: e.SCIM_BEARER_TOKEN,
    adminToken: e.ADMIN_TOKEN,
    scimMaxPageSize: e.SCIM_MAX_PAGE_SIZE,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    role: e.ROLE,
    trustProxy: e.TRUST_PROXY
  })
}
