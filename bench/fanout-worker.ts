import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/database.js'
import { createLogger } from '../src/logger.js'
import { loadProvisioning } from './lib/sink.js'
import { StatisticsKeeper } from '../src/db/table-statistics.js'

/**
 * One worker replica of the fan-out with replicas (bench/lib/fanout.ts): a process of its own,
 * as `ROLE=worker` runs in production, with its own pool, pg-boss and rate governor, on the
 * bench's PostgreSQL database and against the bench's simulator. It says `ready` once the
 * runtime is up, starts the worker on `start` (so every replica starts together and start-up
 * is not timed) and stops gracefully on `stop`.
 */
const env = process.env
const config = loadConfig({
  LOG_LEVEL: env.BENCH_LOG_LEVEL ?? 'warn',
  ROLE: 'worker',
  DATA_DIR: env.BENCH_DATA_DIR ?? '',
  DATABASE_URL: env.BENCH_DATABASE_URL ?? '',
  META_GRAPH_URL: env.BENCH_META_GRAPH_URL ?? '',
  META_API_VERSION: 'v26.0',
  ...(env.BENCH_WORKER_CONCURRENCY ? { WORKER_CONCURRENCY: env.BENCH_WORKER_CONCURRENCY } : {})
})
const logger = createLogger(config.logLevel)
const handle = await openDatabase({
  databaseUrl: config.databaseUrl,
  dataDir: config.dataDir,
  poolSize: config.databasePoolSize,
  preparedStatements: config.databasePreparedStatements,
  log: logger
})
const provisioning = await loadProvisioning(handle, config, logger, false)
// As src/main.ts runs it in every process.
const statistics = new StatisticsKeeper({ db: handle.db, intervalMs: config.databaseAnalyzeIntervalSeconds * 1000, logger })
process.on('message', (m: { type: string }) => {
  if (m.type === 'start') {
    statistics.start()
    void provisioning.runtime.startWorker().then(() => process.send?.({ type: 'started' }))
  } else if (m.type === 'stop') {
    void (async () => {
      await statistics.stop()
      await provisioning.close()
      await handle.close()
      process.exit(0)
    })()
  }
})
process.send?.({ type: 'ready', concurrency: config.worker.concurrency, batchSize: config.worker.batchSize })
