import type { Kysely } from 'kysely'
import type { Job, JobResult, JobWithMetadata, PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { SecretBox } from '../../crypto/secret-box.js'
import type { DB } from '../../db/schema.js'
import { isMetaApiError } from '../../meta/index.js'
import { setConnectionStatus } from '../../tenants/meta-settings.js'
import type { MetaClientFactory } from '../adapters/meta-clients.js'
import type { JobOutcome as JobMetricOutcome } from '../../metrics/types.js'
import type { ProvisioningMetrics } from '../adapters/metrics-sink.js'
import { claimPoll, pollableTenants } from '../../tenants/meta-settings-repository.js'
import { pollTenant, type PollResult } from './poller.js'
import { RECONCILE_QUEUE, reconcileJobSchema, type ReconcileJob, type ReconcileQueue } from './queue.js'
import type { JobOutcome } from '../engine/reconcile.js'
import { reconcileTraced } from '../engine/traced-reconcile.js'
import type { RemovalGate } from '../engine/removal-gate.js'
import type { UnknownOutcomePolicy } from '../engine/step-runner.js'
import type { Admission } from './admission.js'
import { loadTenantContext, TenantContexts } from '../adapters/tenant-context.js'
import { removeUnmanaged, UNMANAGED_QUEUE, unmanagedJobSchema, type UnmanagedJob } from '../engine/unmanaged-removal.js'

export interface WorkerDeps {
  db: Kysely<DB>
  box: SecretBox
  boss: PgBoss
  queue: ReconcileQueue
  clients: MetaClientFactory
  gate: RemovalGate
  logger: Logger
  unknownOutcome?: UnknownOutcomePolicy
  /** Jobs, plan steps (and, through the clients, Meta calls) are counted here. */
  metrics?: ProvisioningMetrics
  /** Reconcile traces kept per person (RECONCILE_TRACES_PER_PERSON). */
  tracesPerPerson?: number
}

export interface WorkerOptions {
  /** Jobs fetched at once (at 1, a poll interval separates jobs: docs/architecture.md "Storage"). */
  batchSize: number
  /**
   * Batches in flight per process (WORKER_CONCURRENCY): the most reconcile jobs that can run at
   * once. How many do is the admission's call, from the rate governor's headroom.
   */
  concurrency: number
  /** Sizes the running worker's concurrency to Meta's headroom; unset, every batch runs at once. */
  admission?: Admission
  /** META_POLL_INTERVAL_SECONDS: acceptance poll. */
  pollIntervalSeconds: number
  /** How often an idle worker looks for jobs. */
  fetchIntervalSeconds?: number
}

export interface DrainResult {
  completed: number
  retried: number
  parked: number
}

/**
 * The reconcile worker: pg-boss hands it batches (heartbeat, retries with backoff, one active
 * job per person on the `stately` queue); each job is settled on its own (`perJobResults`), so
 * one person's throttled call never repeats another's finished work.
 */
export class ProvisioningWorker {
  private pollTimer: NodeJS.Timeout | undefined
  private polling: Promise<unknown> | undefined
  private working = false

  constructor (private readonly deps: WorkerDeps, private readonly options: WorkerOptions) {}

  /**
   * Runs a batch of either queue; one result per job. `admit`: each job of the running worker
   * first waits for the admission (drain() runs one job at a time and needs none).
   */
  async handleBatch (
    jobs: ReadonlyArray<Job<unknown>>, queue: string = RECONCILE_QUEUE, admit = false
  ): Promise<Array<{ id: string, outcome: JobOutcome }>> {
    const { db, box, clients } = this.deps
    const contexts = new TenantContexts(async (tenantId) => await loadTenantContext(db, box, clients, tenantId))
    const results: Array<{ id: string, outcome: JobOutcome }> = []
    // Once Meta fails a tenant's job with a retryable error, the rest of the batch for that
    // tenant waits for the queue's backoff instead of meeting the same outage one by one
    // (and a batch stays well inside the job expiry).
    const failing = new Set<string>()
    for (const job of jobs) {
      const tenantId = (job.data as { tenantId?: unknown } | null)?.tenantId
      if (typeof tenantId === 'string' && failing.has(tenantId)) {
        const outcome: JobOutcome = { kind: 'retry', message: 'deferred: Meta is failing for this tenant' }
        this.count(queue, job, outcome)
        results.push({ id: job.id, outcome })
        continue
      }
      const data = this.parse(job, queue)
      if (data === undefined) {
        // Dropped: nothing can ever run it.
        this.deps.metrics?.recordJob({ queue, outcome: 'failed' })
        results.push({ id: job.id, outcome: { kind: 'done' } })
        continue
      }
      const release = admit ? await this.options.admission?.acquire() : undefined
      const started = performance.now()
      let outcome: JobOutcome
      try {
        outcome = await this.run(contexts, data, job.id)
      } catch (err) {
        // The whole batch fails (and is retried by the queue); this job is the one that broke it.
        this.count(queue, job, { kind: 'retry', message: 'error' }, started)
        throw err
      } finally {
        release?.()
      }
      this.count(queue, job, outcome, started)
      // A busy person (an admin's "reconcile now" runs) says nothing about Meta: only retries do.
      if (outcome.kind === 'retry' && typeof tenantId === 'string') failing.add(tenantId)
      results.push({ id: job.id, outcome })
    }
    // Which process ran which jobs (scale-out: several workers share one queue).
    this.deps.logger.debug({ queue, jobs: results.length, done: results.filter((r) => r.outcome.kind !== 'retry').length }, 'job batch processed')
    return results
  }

  private parse (job: Job<unknown>, queue: string): ReconcileJob | UnmanagedJob | undefined {
    const parsed = queue === RECONCILE_QUEUE
      ? reconcileJobSchema.safeParse(job.data)
      : unmanagedJobSchema.safeParse(job.data)
    if (parsed.success) return parsed.data
    this.deps.logger.error({ jobId: job.id, queue }, 'malformed job dropped')
    return undefined
  }

  private async run (contexts: TenantContexts, data: ReconcileJob | UnmanagedJob, jobId: string): Promise<JobOutcome> {
    const tenant = await contexts.get(data.tenantId)
    const outcome = 'userId' in data
      ? (await reconcileTraced(this.deps, tenant, data, jobId, 'queue')).outcome
      : await removeUnmanaged(this.deps.db, tenant, data, this.deps.metrics)
    if (outcome.kind === 'parked') contexts.forget(data.tenantId)
    return outcome
  }

  /**
   * `completed`: done; `retried`: the queue runs it again after a backoff; `failed`: it ends
   * without its work done: out of retries, or parked because Meta refused the tenant's token.
   * Jobs deferred behind a failing tenant never ran, so they have no duration.
   */
  private count (queue: string, job: Job<unknown>, outcome: JobOutcome, started?: number): void {
    const metrics = this.deps.metrics
    if (metrics === undefined) return
    let result: JobMetricOutcome = 'completed'
    if (outcome.kind === 'parked') result = 'failed'
    else if (outcome.kind === 'retry' || outcome.kind === 'busy') {
      // pg-boss retries while retry_count < retry_limit (the limit comes with the job's metadata).
      const limit = (job as Partial<JobWithMetadata<unknown>>).retryLimit
      result = limit !== undefined && job.retryCount >= limit ? 'failed' : 'retried'
    }
    metrics.recordJob({
      queue, outcome: result, durationSeconds: started === undefined ? undefined : (performance.now() - started) / 1000
    })
  }

  private toJobResults (results: Array<{ id: string, outcome: JobOutcome }>): JobResult[] {
    return results.map(({ id, outcome }) => outcome.kind === 'retry' || outcome.kind === 'busy'
      ? { id, status: 'failed', output: { message: outcome.message } }
      : { id, status: 'completed', output: outcome.kind === 'parked' ? { parked: outcome.message } : {} })
  }

  async start (): Promise<void> {
    if (this.working) return
    this.working = true
    for (const queue of [RECONCILE_QUEUE, UNMANAGED_QUEUE]) {
      await this.deps.boss.work(queue, {
        batchSize: this.options.batchSize,
        localConcurrency: queue === RECONCILE_QUEUE ? this.options.concurrency : 1,
        perJobResults: true,
        // retryLimit tells a job's last attempt apart from one the queue will retry (metrics).
        includeMetadata: true,
        pollingIntervalSeconds: this.options.fetchIntervalSeconds ?? (queue === RECONCILE_QUEUE ? 1 : 5),
        burstWhenBatchFull: true
      }, async (jobs) => this.toJobResults(await this.handleBatch(jobs, queue, queue === RECONCILE_QUEUE)))
    }
    this.pollTimer = setInterval(
      () => { this.polling ??= this.pollAll().finally(() => { this.polling = undefined }) },
      this.options.pollIntervalSeconds * 1000
    )
    this.pollTimer.unref()
  }

  /** Stops fetching and waits for the batches in flight (graceful shutdown). */
  async stop (): Promise<void> {
    if (!this.working) return
    this.working = false
    clearInterval(this.pollTimer)
    await this.deps.boss.offWork(RECONCILE_QUEUE, { wait: true })
    await this.deps.boss.offWork(UNMANAGED_QUEUE, { wait: true })
    await this.polling
  }

  /**
   * Tests and tools: processes jobs until none is left. Deterministic: no timers, no sleeping.
   * `retryNow` (default) also runs jobs waiting out a retry backoff, again and again until they
   * succeed or exhaust their retries; without it a failed job waits for its backoff.
   */
  async drain (options: { retryNow?: boolean, maxBatches?: number } = {}): Promise<DrainResult> {
    const { boss } = this.deps
    const result: DrainResult = { completed: 0, retried: 0, parked: 0 }
    const maxBatches = options.maxBatches ?? 10_000
    for (let i = 0; i < maxBatches; i++) {
      let fetched = 0
      for (const queue of [RECONCILE_QUEUE, UNMANAGED_QUEUE]) {
        const jobs = await boss.fetch(
          queue,
          { batchSize: this.options.batchSize, ignoreStartAfter: options.retryNow ?? true, includeMetadata: true }
        )
        fetched += jobs.length
        for (const { id, outcome } of await this.handleBatch(jobs, queue)) {
          if (outcome.kind === 'retry' || outcome.kind === 'busy') {
            result.retried++
            await boss.fail(queue, id, { message: outcome.message })
          } else {
            if (outcome.kind === 'parked') result.parked++
            else result.completed++
            await boss.complete(queue, id)
          }
        }
      }
      if (fetched === 0) return result
    }
    throw new Error(`drain did not finish within ${maxBatches} batches`)
  }

  /** One acceptance poll of every tenant whose round is due (or every tenant, `force`). */
  async pollAll (force = false): Promise<Map<string, PollResult>> {
    const out = new Map<string, PollResult>()
    for (const tenantId of await pollableTenants(this.deps.db)) {
      if (!force && !(await claimPoll(this.deps.db, tenantId, this.options.pollIntervalSeconds))) continue
      try {
        out.set(tenantId, await pollTenant(this.deps, tenantId))
      } catch (err) {
        if (isMetaApiError(err) && err.errorClass === 'auth') {
          await setConnectionStatus(this.deps.db, tenantId, 'disconnected', `${err.code ?? ''} ${err.message}`.trim())
        }
        this.deps.logger.warn({ tenantId, err }, 'acceptance poll failed; next round retries')
      }
    }
    return out
  }
}
