import { randomUUID } from 'node:crypto'
import { collectingCalls } from '../adapters/meta-trace.js'
import type { TenantContext } from '../adapters/tenant-context.js'
import type { ReconcileJob } from '../jobs/queue.js'
import { findPerson, type PersonRecord } from '../records/people-repository.js'
import { acquireLease, insertTraceAndRelease, releaseLease, renewLease } from '../records/traces-repository.js'
import { reconcilePerson, type JobOutcome, type ReconcileDeps } from './reconcile.js'
import { TraceRecorder, type ReconcileTrace, type TraceResult, type TraceTrigger } from './reconcile-trace.js'

/** A person's traces kept when RECONCILE_TRACES_PER_PERSON is not set. */
export const DEFAULT_TRACES_PER_PERSON = 20

/**
 * A reconcile's hold on its person, renewed every `LEASE_RENEW_MS` while it runs, like the
 * queue's job heartbeat (jobs/queue.ts): a killed process's lease frees itself within
 * `LEASE_MS`, about when pg-boss hands its job to another worker, whose retries then find the
 * person free.
 */
export const LEASE_MS = 30_000
export const LEASE_RENEW_MS = 10_000

export interface TracedReconcileDeps extends Omit<ReconcileDeps, 'trace'> {
  /** Traces kept per person (RECONCILE_TRACES_PER_PERSON). */
  tracesPerPerson?: number
  now?: () => Date
}

export interface TracedReconcile {
  outcome: JobOutcome
  trace: ReconcileTrace | null
  /** The stored row's id; null for an observe-only run (never stored) or a failed write. */
  traceId: string | null
  startedAt: Date
  durationMs: number
}

/**
 * One reconcile of a person with its trace: the person's lease first (one reconcile of a person
 * at a time, whether the queue's worker or an admin's "reconcile now" started it), then
 * `reconcilePerson` with every Graph call collected, then the trace stored, the person's
 * oldest traces pruned and the lease released, in one statement. An observe-only run takes no
 * lease and stores nothing. A trace that
 * cannot be stored is logged, never a reason to fail the reconcile it describes.
 */
export async function reconcileTraced (
  deps: TracedReconcileDeps, tenant: TenantContext, job: ReconcileJob, jobId: string | null, trigger: TraceTrigger
): Promise<TracedReconcile> {
  const now = deps.now ?? (() => new Date())
  const observeOnly = deps.observeOnly === true
  // A queue job holds the lease under its id: pg-boss runs one attempt of a job at a time and
  // hands a killed process's job back with the same id, so its retry takes the lease over at
  // once instead of waiting for it to expire.
  const holder = jobId === null ? `now:${randomUUID()}` : `job:${jobId}`
  const startedAt = now()
  if (!observeOnly) {
    const expires = new Date(startedAt.getTime() + LEASE_MS)
    if (!(await acquireLease(deps.db, tenant.tenantId, job.userId, holder, startedAt, expires))) {
      const outcome: JobOutcome = { kind: 'busy', message: 'another reconcile of this person is running' }
      return { outcome, trace: null, traceId: null, startedAt, durationMs: 0 }
    }
  }
  const renew = (): void => {
    const expires = new Date(now().getTime() + LEASE_MS)
    renewLease(deps.db, tenant.tenantId, job.userId, holder, expires).catch((err: unknown) => {
      deps.logger.warn({ err, tenantId: tenant.tenantId, userId: job.userId }, 'reconcile lease not renewed')
    })
  }
  const heartbeat = observeOnly ? undefined : setInterval(renew, LEASE_RENEW_MS)
  heartbeat?.unref()
  let released = false
  try {
    const recorder = new TraceRecorder()
    const started = performance.now()
    let outcome: JobOutcome | undefined
    let thrown: unknown
    try {
      const reconcile = async (): Promise<JobOutcome> =>
        await reconcilePerson({ ...deps, trace: recorder }, tenant, job, jobId)
      outcome = await collectingCalls(recorder.calls, reconcile)
    } catch (err) {
      thrown = err
    }
    // Where the reconcile left the person: its own last write; read back only when it wrote
    // nothing or failed part way.
    const after = outcome !== undefined && recorder.lastSaved !== undefined
      ? recorder.lastSaved
      : await findPerson(deps.db, tenant.tenantId, job.userId).catch(() => undefined)
    const trace = recorder.finish(resultOf(outcome, thrown, after))
    const durationMs = Math.round(performance.now() - started)
    let traceId: string | null = null
    if (!observeOnly) {
      clearInterval(heartbeat)
      traceId = await store(deps, { tenant, job, jobId, trigger, startedAt, durationMs, trace }, holder)
      released = traceId !== null
    }
    if (outcome === undefined) throw thrown
    return { outcome, trace, traceId, startedAt, durationMs }
  } finally {
    clearInterval(heartbeat)
    // Released with the trace when it was stored; else (its write failed, or something threw
    // before it) here.
    if (!observeOnly && !released) {
      await releaseLease(deps.db, tenant.tenantId, job.userId, holder).catch((err: unknown) => {
        const where = { err, tenantId: tenant.tenantId, userId: job.userId }
        deps.logger.warn(where, 'reconcile lease not released; it expires')
      })
    }
  }
}

async function store (deps: TracedReconcileDeps, run: {
  tenant: TenantContext,
  job: ReconcileJob,
  jobId: string | null,
  trigger: TraceTrigger
  startedAt: Date,
  durationMs: number,
  trace: ReconcileTrace
}, holder: string): Promise<string | null> {
  try {
    const row = await insertTraceAndRelease(deps.db, {
      tenantId: run.tenant.tenantId,
      userId: run.job.userId,
      trigger: run.trigger,
      jobId: run.jobId,
      dryRun: run.tenant.dryRun,
      startedAt: run.startedAt,
      durationMs: run.durationMs,
      trace: run.trace
    }, deps.tracesPerPerson ?? DEFAULT_TRACES_PER_PERSON, holder)
    return row.id
  } catch (err) {
    deps.logger.warn({ err, tenantId: run.tenant.tenantId, userId: run.job.userId }, 'reconcile trace not stored')
    return null
  }
}

function resultOf (outcome: JobOutcome | undefined, thrown: unknown, after: PersonRecord | undefined): TraceResult {
  const person = {
    state: after?.state ?? null,
    role: after?.role ?? null,
    invite_id: after?.inviteId ?? null,
    business_user_id: after?.businessUserId ?? null,
    last_error: after?.lastError ?? null,
    last_error_code: after?.lastErrorCode ?? null
  }
  if (outcome === undefined) {
    return { outcome: 'error', message: thrown instanceof Error ? thrown.message : String(thrown), ...person }
  }
  const kind = outcome.kind === 'busy' ? 'retry' : outcome.kind
  return { outcome: kind, message: outcome.kind === 'done' ? null : outcome.message, ...person }
}
