import type { Logger } from 'pino'
import type { PgBoss } from 'pg-boss'
import type { MetaEnv } from '../config.js'
import { openSecretBox } from '../crypto/secret-key.js'
import type { SecretBox } from '../crypto/secret-box.js'
import type { DatabaseHandle } from '../db/database.js'
import type { AccessChangeSink } from '../directory/access-change-sink.js'
import type { ReadOnlyUserExtension } from '../directory/user-extensions.js'
import { systemClock, type MetaClientOptions, type MetaGovernor } from '../meta/index.js'
import type { SyncPorts } from '../sync/ports.js'
import { applyEnvMetaSettings, describeEnvChanges, metaSettingsFromEnv, NO_ENV_META_CONFIG, type ApplyResult } from '../tenants/meta-settings-env.js'
import { queueAccessChanges } from './adapters/access-change-sink.js'
import { createMetaClientFactory, type MetaClientFactory } from './adapters/meta-clients.js'
import { noProvisioningMetrics, type ProvisioningMetrics } from './adapters/metrics-sink.js'
import { createBoss, ReconcileQueue } from './jobs/queue.js'
import { allowAllRemovals, type RemovalGate } from './engine/removal-gate.js'
import { metaStateExtension } from './records/scim-extension.js'
import { createSyncPorts } from './adapters/sync-ports-adapter.js'
import { ensureUnmanagedQueue } from './engine/unmanaged-removal.js'
import type { UnknownOutcomePolicy } from './engine/step-runner.js'
import { ProvisioningWorker } from './jobs/worker.js'
import { Admission, type AdmissionOptions } from './jobs/admission.js'
import { runAsBackground } from '../db/work-priority.js'
import { createReconcileNow, type ReconcileNow } from './person-traces.js'

/** The settings the provisioning runtime reads (src/config.ts fills them). */
export interface ProvisioningSettings {
  /** ROLE: every role but `api` supervises the queue. */
  role: 'all' | 'api' | 'worker'
  secretsKey: string | undefined
  dataDir: string
  /** META_*: the Graph endpoint, timeouts and poll interval, and the settings the environment owns. */
  meta: Readonly<MetaEnv>
  worker: Readonly<{ batchSize: number, concurrency: number, tracesPerPerson: number }>
}

export interface ProvisioningOptions {
  config: ProvisioningSettings
  database: Pick<DatabaseHandle, 'db' | 'pool' | 'engine'>
  logger: Logger
  /** Run the reconcile worker and the acceptance poll here (ROLE all or worker). */
  runWorker: boolean
  box?: SecretBox
  gate?: RemovalGate
  governor?: MetaGovernor
  /** Tests: fast retries, the simulator's fetch. */
  clientOverrides?: Partial<MetaClientOptions>
  /** Tests that drain by hand turn pg-boss's own worker-side supervision off. */
  supervise?: boolean
  /** How long an invitation without an answer holds back a second one (step-runner.ts). */
  unknownOutcome?: UnknownOutcomePolicy
  /** Meta calls, jobs and plan steps are reported here (main.ts: the process's registry). */
  metrics?: ProvisioningMetrics
  /** Tests: the worker admission's clock and timings (jobs/admission.ts). */
  admission?: Partial<Omit<AdmissionOptions, 'max' | 'headroom'>>
}

/** What the API, the sync and the brake build on. */
export interface ProvisioningRuntime {
  boss: PgBoss
  queue: ReconcileQueue
  box: SecretBox
  clients: MetaClientFactory
  gate: RemovalGate
  /** Started by `runWorker` or `startWorker()`; API-only processes never start it. */
  worker: ProvisioningWorker
  accessChanges: AccessChangeSink
  userExtensions: ReadOnlyUserExtension[]
  /** For the sync: `new SyncService({ db, ports: runtime.syncPorts, clients: runtime.clients, … })`. */
  syncPorts: SyncPorts
  /** One reconcile of a person now, with its trace (admin API, console). */
  reconcileNow: ReconcileNow
  /** META_* → the tenant's settings and rules (single-tenant deployments, at every start). */
  applyEnvironment: (tenantId: string) => Promise<ApplyResult | undefined>
  startWorker: () => Promise<void>
  stop: () => Promise<void>
}

/**
 * Starts the queue (pg-boss on the application's pool, docs/architecture.md "Storage") and, in worker
 * roles, the reconcile worker. `stop()` lets in-flight jobs finish, then stops pg-boss; the
 * caller closes the database afterwards.
 */
export async function startProvisioning (options: ProvisioningOptions): Promise<ProvisioningRuntime> {
  const { config, database, logger } = options
  const log = logger.child({ component: 'provisioning' })
  const box = options.box ?? openSecretBox({
    secretsKey: config.secretsKey, dataDir: config.dataDir, engine: database.engine
  })
  const boss = createBoss({
    pool: database.pool,
    engine: database.engine,
    // Every process that may run the worker supervises: a killed process's jobs come back.
    supervise: options.supervise ?? config.role !== 'api',
    instanceName: `scim-meta-bridge:${config.role}`
  })
  boss.on('error', (err) => log.error({ err }, 'job queue error'))
  boss.on('warning', (warning) => log.warn({ warning }, 'job queue warning'))
  // The queue's polling, supervision and maintenance are background work: on the embedded
  // database they take the connection only between requests (src/db/connection-gate.ts).
  await runAsBackground(async () => await boss.start())
  const queue = await ReconcileQueue.open(boss)
  await ensureUnmanagedQueue(boss)
  const metrics = options.metrics ?? noProvisioningMetrics
  const clients = createMetaClientFactory({
    graphUrl: config.meta.graphUrl,
    apiVersion: config.meta.apiVersion,
    timeoutMs: config.meta.timeoutMs,
    governor: options.governor,
    overrides: options.clientOverrides,
    onCall: (report) => { metrics.recordMetaCall(report) }
  })
  const gate = options.gate ?? allowAllRemovals
  const engine = {
    db: database.db,
    box,
    clients,
    gate,
    logger: log,
    unknownOutcome: options.unknownOutcome,
    metrics,
    tracesPerPerson: config.worker.tracesPerPerson
  }
  // Every people call runs under the app's platform bucket (meta-graph-api.md §5.1): its
  // headroom sizes how many jobs run at once; BUC buckets are paced call by call by the governor.
  const admission = new Admission({
    clock: systemClock,
    ...options.admission,
    max: config.worker.concurrency,
    headroom: () => clients.governor.headroom('app')
  })
  const worker = new ProvisioningWorker({ ...engine, boss, queue }, {
    batchSize: config.worker.batchSize,
    concurrency: config.worker.concurrency,
    pollIntervalSeconds: config.meta.pollIntervalSeconds,
    admission
  })
  let stopped = false
  const runtime: ProvisioningRuntime = {
    boss,
    queue,
    box,
    clients,
    gate,
    worker,
    accessChanges: queueAccessChanges(queue),
    userExtensions: [metaStateExtension],
    syncPorts: createSyncPorts({ db: database.db, box, clients, queue, gate }),
    reconcileNow: createReconcileNow(engine),
    applyEnvironment: async (tenantId) => {
      // Also without any META_* variable: settings the environment stopped setting go back to
      // the admin.
      const env = metaSettingsFromEnv(config.meta) ?? NO_ENV_META_CONFIG
      const applied = await applyEnvMetaSettings(database.db, box, queue, tenantId, env)
      // A start that changes stored settings says so loudly, naming each change: the operator
      // may not know the environment overrides what an admin set.
      if (applied.changes.length > 0) {
        log.warn({ tenantId, changes: applied.changes }, describeEnvChanges(applied.changes))
      }
      return applied
    },
    startWorker: async () => { await runAsBackground(async () => { await worker.start() }) },
    stop: async () => {
      if (stopped) return
      stopped = true
      await worker.stop()
      await boss.stop({ graceful: true, close: false })
    }
  }
  if (options.runWorker) await runtime.startWorker()
  return runtime
}
