import { ConfigError, loadConfig, type Config } from './config.js'
import { createLogger } from './logger.js'
import { openDatabase } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { buildApp } from './app.js'
import { bootstrapDefaultTenant } from './tenants/bootstrap.js'
import { ensureFirstAdminToken } from './admin/admin-token-verifier.js'

function printFirstStart (config: Config, token: string | undefined, adminToken: string | undefined): void {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  const base = `${config.publicBaseUrl ?? `http://${host}:${config.port}`}/scim/v2`
  // Written to stdout directly, not through the logger: the logger redacts tokens, and this is
  // the one moment the operator must see it.
  const lines = [
    '',
    'scim-meta-bridge: created tenant "default"',
    `  SCIM base URL: ${base}`,
    token ? `  Bearer token:  ${token}` : '  Bearer token:  the value of SCIM_BEARER_TOKEN',
    token ? '  (shown once; store it in your IdP now)' : '',
    adminToken ? `  Admin token:   ${adminToken}` : '  Admin token:   the value of ADMIN_TOKEN',
    adminToken ? '  (shown once; for /admin/v1 and the CLI)' : '',
    ''
  ]
  process.stdout.write(lines.join('\n') + '\n')
}

async function main (): Promise<void> {
  let config: Config
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(2)
    }
    throw err
  }
  const logger = createLogger(config.logLevel)
  const database = await openDatabase({
    databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize, log: logger
  })
  logger.info({ engine: database.engine }, 'database opened')
  await migrateToLatest(database.db)
  const boot = await bootstrapDefaultTenant(database.db, config.scimBearerToken)
  const adminToken = await ensureFirstAdminToken(database.db, config.adminToken)
  if (boot?.created || adminToken) printFirstStart(config, boot?.newToken, adminToken)

  const app = await buildApp({ config, db: database.db, logger })
  if (config.role !== 'worker') {
    await app.listen({ port: config.port, host: config.host })
  }

  let stopping = false
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down: finishing in-flight requests')
    const force = setTimeout(() => {
      logger.error('graceful shutdown timed out; exiting')
      process.exit(1)
    }, config.shutdownGraceMs)
    force.unref()
    try {
      await app.close()
      await database.close()
      logger.info('stopped')
    } catch (err) {
      logger.error({ err }, 'error during shutdown')
      process.exitCode = 1
    }
  }
  process.once('SIGTERM', () => { void shutdown('SIGTERM') })
  process.once('SIGINT', () => { void shutdown('SIGINT') })
}

main().catch((err: unknown) => {
  process.stderr.write(`scim-meta-bridge failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
