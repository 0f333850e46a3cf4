import { ConfigError, loadConfig, type Config } from './config.js'
import { createLogger } from './logger.js'
import { openDatabase } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { pingDatabase } from './db/ping.js'
import { buildApp, buildWorkerApp } from './app.js'
import { SCIM_PREFIX } from './scim-api/plugin.js'
import { createMetrics } from './metrics/registry.js'
import { bootstrapDefaultTenant } from './tenants/bootstrap.js'
import { ensureFirstAdminToken } from './admin/admin-token-verifier.js'
import { startProvisioning } from './provisioning/runtime.js'
import { createRemovalBrake } from './brake/gate.js'
import { applyBrakeEnvironment } from './brake/environment.js'
import { brakeSample } from './brake/held-repository.js'
import { SyncScheduler, SyncService, syncSample } from './sync/index.js'
import { queueSamples } from './admin/queue-query.js'
import { metaSettingsFromEnv } from './tenants/meta-settings-env.js'
import { AccessRulesError } from './tenants/access-rules.js'
import { checkDataDirWritable, databaseFailure, listenFailure, startupFailureLine } from './startup-errors.js'
import { createProcessProbe } from './http/overload-probe.js'
import { backgroundShedding } from './http/background-shedding.js'
import { runAsBackground } from './db/work-priority.js'
import { HistorySampler } from './charts/history-sampler.js'
import { StatisticsKeeper } from './db/table-statistics.js'

function printFirstStart (
  config: Config, port: number, token: string | undefined, adminToken: string | undefined
): void {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  const origin = config.publicBaseUrl ?? `http://${host}:${port}`
  const base = `${origin}${SCIM_PREFIX}`
  // Written to stdout directly, not through the logger: the logger redacts tokens, and this is
  // the one moment the operator must see it.
  const lines = [
    '',
    'scim-meta-bridge: created tenant "default"',
    `  SCIM base URL: ${base}`,
    token ? `  Bearer token:  ${token}` : '  Bearer token:  the value of SCIM_BEARER_TOKEN',
    token ? '  (shown once; store it in your IdP now)' : '',
    adminToken ? `  Admin token:   ${adminToken}` : '  Admin token:   the value of ADMIN_TOKEN',
    adminToken ? '  (shown once; for /admin/v1, the CLI and the console\'s break-glass sign-in)' : '',
    config.console.enabled && config.role !== 'worker' ? `  Console:       ${origin}/ui` : '',
    '  Lost one? Restart with ADMIN_TOKEN set and create a new token (README "Lost tokens").',
    ''
  ]
  process.stdout.write(lines.join('\n') + '\n')
}

async function main (): Promise<void> {
  let config: Config
  try {
    config = loadConfig()
    // Everything the environment says is checked before anything is created, access rules
    // included: a start that fails later must not have printed (and so lost) the tokens.
    metaSettingsFromEnv(config.meta)
  } catch (err) {
    if (err instanceof ConfigError || err instanceof AccessRulesError) {
      process.stderr.write(`${startupFailureLine(err)}\n`)
      process.exit(2)
    }
    throw err
  }
  const logger = createLogger(config.logLevel)
  if (config.databaseUrl === undefined) checkDataDirWritable(config.dataDir)
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
    preparedStatements: config.databasePreparedStatements,
    timeouts: config.databaseTimeouts,
    log: logger
  })
  try {
    await pingDatabase(database.db)
  } catch (err) {
    throw databaseFailure(err, config.databaseUrl)
  }
  // One reading of the process load: background work pauses on it before requests are shed.
  const probe = createProcessProbe()
  logger.info({ engine: database.engine }, 'database opened')
  await migrateToLatest(database.db)

  // One registry for the process: the worker, the Meta client and sync report into it too.
  const metrics = createMetrics()
  // The removal brake guards every removal the worker and the sync would make.
  const gate = createRemovalBrake({ db: database.db, logger: logger.child({ component: 'removal-brake' }) })
  // The queue before the API: SCIM writes enqueue into it.
  const provisioning = await startProvisioning({ config, database, logger, runWorker: false, gate, metrics })
  const detachMetrics = [
    metrics.observeRemovalBrake(async () => await brakeSample(database.db)),
    // Queue depth and oldest job age come from the shared database, so every role reports them.
    metrics.observeQueues(async () => await queueSamples(database.db)),
    metrics.observeGovernor(() => provisioning.clients.governor.snapshot()),
    // Sync age and drift come from the database too, whichever replica ran the sync.
    metrics.observeSync(async () => await syncSample(database.db))
  ]
  // Check for updates: the sync's Meta clients come from the worker's factory (one governor per
  // process, the same timeout, tracing and call metrics).
  const sync = new SyncService({
    db: database.db,
    ports: provisioning.syncPorts,
    clients: provisioning.clients,
    logger: logger.child({ component: 'sync' }),
    metrics
  })
  const scheduler = new SyncScheduler({ db: database.db, service: sync, logger: logger.child({ component: 'sync-scheduler' }) })
  // A worker serves only /healthz, /readyz and /metrics; the other roles the whole API.
  const app = config.role === 'worker'
    ? await buildWorkerApp({ config, db: database.db, logger, metrics, pool: database.pool })
    : await buildApp({
      config,
      db: database.db,
      logger,
      metrics,
      pool: database.pool,
      accessChanges: provisioning.accessChanges,
      userExtensions: provisioning.userExtensions,
      removalBrake: { db: database.db, queue: provisioning.queue },
      provisioning,
      sync,
      overloadProbe: probe
    })
  // The port is bound before the first tenant and its tokens exist: a port in use stops this
  // start before it has created a token nobody will see.
  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (err) {
    throw listenFailure(err, config)
  }

  const boot = await bootstrapDefaultTenant(database.db, config.scimBearerToken)
  const adminToken = await ensureFirstAdminToken(database.db, config.adminToken)
  // The environment's Meta settings before the worker (docs/provisioning.md).
  if (boot !== undefined) await provisioning.applyEnvironment(boot.tenantId)
  if (boot !== undefined) await applyBrakeEnvironment(database.db, boot.tenantId, config.removalBrake)
  if (config.role !== 'api') {
    await provisioning.startWorker()
    logger.info({ role: config.role }, 'provisioning worker started')
    runAsBackground(() => { scheduler.start() })
  }
  // The chart history in every role: one replica takes each round's queue samples, and each
  // process adds its own governor's buckets (they live in its memory).
  const history = new HistorySampler({
    db: database.db,
    settings: config.chartSamples,
    governor: () => provisioning.clients.governor.snapshot(),
    logger: logger.child({ component: 'chart-history' })
  })
  history.start()
  // Planner statistics for tables that grow faster than autovacuum looks (and on the embedded
  // database, where no autovacuum runs): src/db/table-statistics.ts.
  const statistics = new StatisticsKeeper({
    db: database.db,
    intervalMs: config.databaseAnalyzeIntervalSeconds * 1000,
    logger: logger.child({ component: 'table-statistics' })
  })
  statistics.start()
  // The port actually bound (PORT=0 picks a free one).
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : config.port
  if (boot?.created === true || adminToken !== undefined) printFirstStart(config, port, boot?.newToken, adminToken)
  // From here on, not during start-up: opening the embedded database and migrating hold the
  // event loop, and the queue's start must not wait on that.
  database.pauseBackgroundWhile(backgroundShedding(probe, {
    maxEventLoopDelayMs: config.overloadBackgroundEventLoopDelayMs,
    maxHeapBytes: config.overloadMaxHeapBytes,
    log: logger
  }))
  // Listening comes first (a port in use fails before anything is created); this line says the
  // default tenant, its tokens and the worker are in place too.
  if (config.console.enabled && config.role !== 'worker') {
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
    logger.info({ url: `${config.publicBaseUrl ?? `http://${host}:${port}`}/ui` }, 'admin console')
  }
  logger.info({ role: config.role }, 'service ready')

  let stopping = false
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down: finishing in-flight requests')
    // In-flight jobs finish now, at full speed, within the grace period.
    database.pauseBackgroundWhile(undefined)
    const force = setTimeout(() => {
      logger.error('graceful shutdown timed out; exiting')
      process.exit(1)
    }, config.shutdownGraceMs)
    force.unref()
    try {
      await app.close()
      for (const detach of detachMetrics) detach()
      await scheduler.stop()
      await history.stop()
      await statistics.stop()
      await sync.drain()
      // In-flight reconciles finish; unfinished jobs stay queued for the next start.
      await provisioning.stop()
      await database.close()
      probe.stop()
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
  process.stderr.write(`${startupFailureLine(err)}\n`)
  process.exit(1)
})
