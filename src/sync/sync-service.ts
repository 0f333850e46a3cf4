import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { DB } from '../db/schema.js'
import type { SyncRunReport } from '../metrics/types.js'
import type { MetaClient } from '../meta/index.js'
import { computeDrift, type Drift, type DriftInput } from './drift.js'
import { importDirectory } from './import-directory.js'
import type { MetaConnection, SyncMetaClients, SyncPorts } from './ports.js'
import { finishRun, reportProgress, startRun, type StartOutcome } from './runs-repository.js'
import { loadScimIdentities } from './scim-identities.js'
import { getSyncSettings, type SyncSettings } from './settings-repository.js'
import { replaceSnapshot } from './snapshot-repository.js'
import type { DirectorySnapshot, ScimIdentity } from './snapshot-types.js'
import type { RunTrigger } from './tables.js'
import { runAsBackground } from '../db/work-priority.js'

export interface SyncServiceOptions {
  db: Kysely<DB>
  ports: SyncPorts
  /**
   * The process's Meta client factory, the worker's own (main.ts: `runtime.clients`): one
   * governor per process (reference §5.4), the same timeout, tracing and call metrics.
   */
  clients: SyncMetaClients
  logger?: Logger
  now?: () => Date
  /** A running run without a heartbeat for this long is considered abandoned. */
  staleAfterMs?: number
  /** Size of the batched first page of each asset's assigned_users. */
  assignedFirstPage?: number
  /** Where finished runs are counted (main.ts: the process's registry); the factory counts the calls. */
  metrics?: SyncMetrics
}

/** What the sync reports; the metrics registry (src/metrics/registry.ts) fits as it is. */
export interface SyncMetrics {
  /** `scim_bridge_sync_runs_total` and the duration histogram. */
  recordSyncRun: (report: SyncRunReport) => void
}

/** Drift counts a run's summary reports, next to the import counts. */
const DRIFT_COUNTS = ['unmanaged', 'missing', 'not_entitled', 'role_differences', 'asset_differences', 'manual_steps', 'stale_invites', 'duplicates', 'ambiguous_emails'] as const

/**
 * "Check for updates" for one tenant (reference §9): import the business, match people
 * to SCIM users, store the snapshot, hand observed state, reconciles and (by policy) removals to
 * the provisioning engine, all in one transaction with the run's outcome.
 */
export class SyncService {
  readonly ports: SyncPorts
  readonly #db: Kysely<DB>
  readonly #clients: SyncMetaClients
  readonly #now: () => Date
  readonly #inFlight = new Set<Promise<void>>()

  constructor (private readonly options: SyncServiceOptions) {
    this.ports = options.ports
    this.#db = options.db
    this.#clients = options.clients
    this.#now = options.now ?? (() => new Date())
  }

  /** Opens a run and executes it in the background; `running` when one is already going. */
  async start (tenantId: string, trigger: RunTrigger): Promise<StartOutcome> {
    const outcome = await startRun(this.#db, tenantId, trigger, this.options.staleAfterMs ?? 600_000)
    if ('started' in outcome) {
      const run = outcome.started
      // Background work: it outlives the request that started it, and yields to requests.
      const done = runAsBackground(async () => { await this.#execute(tenantId, run.id, trigger) })
        .finally(() => this.#inFlight.delete(done))
      this.#inFlight.add(done)
    }
    return outcome
  }

  /** Waits for every run this process started (graceful shutdown, tests). */
  async drain (): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
  }

  async #execute (tenantId: string, runId: string, trigger: RunTrigger): Promise<void> {
    const started = performance.now()
    const record = (outcome: 'success' | 'failure'): void => {
      this.options.metrics?.recordSyncRun({
        trigger: trigger === 'schedule' ? 'scheduled' : 'manual', outcome, durationSeconds: (performance.now() - started) / 1000
      })
    }
    const counts: Record<string, number> = {}
    const progress = async (phase: string, latest: Record<string, number> = {}): Promise<void> => {
      Object.assign(counts, latest)
      await reportProgress(this.#db, runId, phase, counts)
    }
    try {
      await progress('connecting')
      const { connection, client } = await this.#connect(tenantId)
      const snapshot = await importDirectory(client, progress, this.#now, this.options.assignedFirstPage)
      await progress('matching', counts)
      const users = await loadScimIdentities(this.#db, tenantId)
      const desired = await this.ports.desiredAccess(this.#db, tenantId, users.map((u) => u.id))
      const settings = await getSyncSettings(this.#db, tenantId)
      const drift = computeDrift(driftInput(runId, snapshot, users, desired, this.#now()))
      Object.assign(counts, driftCounts(drift))
      await progress('storing', counts)
      await this.#store(tenantId, runId, { snapshot, drift, settings, connection, counts })
      this.options.logger?.info({ tenantId, runId, counts }, 'sync finished')
      record('success')
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      this.options.logger?.warn({ tenantId, runId, err }, 'sync failed')
      record('failure')
      await finishRun(this.#db, runId, { status: 'failed', counts, summary: null, error: message })
        .catch((e: unknown) => this.options.logger?.error({ err: e, runId }, 'could not record a failed sync'))
    }
  }

  /** The tenant's Meta connection and the process's client for it. */
  async #connect (tenantId: string): Promise<{ connection: MetaConnection, client: MetaClient }> {
    const connection = await this.ports.loadMetaConnection(tenantId)
    const client = connection === undefined
      ? null
      : this.#clients.forTenant({
        tenantId,
        businessId: connection.businessId,
        accessToken: connection.accessToken,
        appSecret: connection.appSecret ?? null
      }, 'sync')
    if (connection === undefined || client === null) {
      throw new Error('the tenant has no Meta connection (set a business id and token first)')
    }
    return { connection, client }
  }

  /**
   * One transaction: the snapshot, the observed state, the reconciles, the removals the policy
   * asks for, and the run's outcome. Adds what it handed over to `counts`.
   */
  async #store (tenantId: string, runId: string, run: StoredRun): Promise<void> {
    const { snapshot, drift, settings, counts } = run
    const cause = { syncRunId: runId }
    await this.#db.transaction().execute(async (trx) => {
      await replaceSnapshot(trx, tenantId, runId, { ...snapshot, people: drift.matched })
      await this.ports.updateObservedState(trx, tenantId, drift.observed, cause)
      const reconcile = [...drift.differing.keys()]
      if (reconcile.length > 0) await this.ports.enqueueReconcile(trx, tenantId, reconcile, cause)
      counts.reconciles_enqueued = reconcile.length
      let removals = { accepted: 0, held: 0 }
      if (settings.unmanagedPolicy === 'remove' && drift.unmanaged.length > 0) {
        removals = await this.ports.requestRemovals(trx, tenantId, drift.unmanaged, cause)
      }
      counts.removals_requested = removals.accepted
      counts.removals_held = removals.held
      await finishRun(trx, runId, { status: 'succeeded', counts, summary: runSummary(run), error: null })
    })
  }
}

/** What a successful run stores, besides its id. */
interface StoredRun {
  snapshot: DirectorySnapshot
  drift: Drift
  settings: SyncSettings
  connection: MetaConnection
  counts: Record<string, number>
}

function driftInput (
  runId: string, snapshot: DirectorySnapshot, users: ScimIdentity[], desired: DriftInput['desired'], now: Date
): DriftInput {
  return {
    snapshot: { runId, businessId: snapshot.businessId, takenAt: snapshot.takenAt },
    people: snapshot.people,
    assignments: snapshot.assignments,
    partners: snapshot.partners,
    users,
    desired,
    inviteAgeDays: 14,
    now,
    unreadableAssets: snapshot.unreadableAssets
  }
}

/** The run's counts from the drift: people matched, Work Accounts, and each kind of difference. */
function driftCounts (drift: Drift): Record<string, number> {
  const counts: Record<string, number> = {}
  counts.matched_users = new Set(drift.matched.flatMap((p) => (p.matchedUserId === null ? [] : [p.matchedUserId]))).size
  counts.work_accounts = drift.matched.filter((p) => p.kind === 'member' && p.workAccount).length
  for (const key of DRIFT_COUNTS) counts[key] = drift.report.counts[key] ?? 0
  return counts
}

function runSummary ({ snapshot, connection, settings }: StoredRun): Record<string, unknown> {
  return {
    business_id: snapshot.businessId,
    identity_mode: connection.identityMode,
    unmanaged_policy: settings.unmanagedPolicy,
    taken_at: snapshot.takenAt.toISOString(),
    // Listed but not readable: their assignments are unknown (drift "unreadable_assets").
    unreadable_assets: snapshot.unreadableAssets.map((a) => ({
      asset_type: a.assetType, asset_id: a.assetId, error_code: a.errorCode, message: a.message
    }))
  }
}
