import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { findUser } from '../directory/users-repository.js'
import { loadTenantContext, type TenantContext } from './adapters/tenant-context.js'
import type { ReconcileTrace, TraceTrigger } from './engine/reconcile-trace.js'
import type { JobOutcome } from './engine/reconcile.js'
import { reconcileTraced } from './engine/traced-reconcile.js'
import type { WorkerDeps } from './jobs/worker.js'
import { findPerson } from './records/people-repository.js'
import type { ReconcileTraceRow } from './records/tables.js'
import { findTrace, listTraces } from './records/traces-repository.js'

// A person's reconcile traces and "reconcile now", as services the admin API and the console
// call (docs/provisioning.md, "Reconcile traces", "Reconcile now").

/** A trace as the admin API and the console show it. */
export interface TraceView extends ReconcileTrace {
  /** null for a dry run of "reconcile now", which is never stored. */
  id: string | null
  user_id: string
  trigger: TraceTrigger
  job_id: string | null
  dry_run: boolean
  started_at: string
  duration_ms: number
}

export function traceView (row: ReconcileTraceRow): TraceView {
  const trace = (typeof row.trace === 'string' ? JSON.parse(row.trace) : row.trace) as ReconcileTrace
  return {
    id: String(row.id),
    user_id: row.user_id,
    trigger: row.trigger as TraceTrigger,
    job_id: row.job_id,
    dry_run: row.dry_run,
    started_at: row.started_at.toISOString(),
    duration_ms: row.duration_ms,
    ...trace
  }
}

/** Whether the tenant knows this person: a SCIM user, or a Meta record outliving a deleted one. */
export async function personKnown (db: Kysely<DB>, tenantId: string, userId: string): Promise<boolean> {
  if (await findUser(db, tenantId, userId) !== undefined) return true
  return await findPerson(db, tenantId, userId) !== undefined
}

export interface TracePage {
  items: TraceView[]
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null
}

/** The person's traces, newest first; undefined when the tenant has no such person. */
export async function listPersonTraces (
  db: Kysely<DB>, tenantId: string, userId: string, options: { limit: number, cursor?: string | undefined }
): Promise<TracePage | undefined> {
  if (!(await personKnown(db, tenantId, userId))) return undefined
  const rows = await listTraces(db, tenantId, userId, { limit: options.limit, before: options.cursor })
  const items = rows.map(traceView)
  const last = items.at(-1)
  return { items, nextCursor: items.length === options.limit && last?.id != null ? last.id : null }
}

/** One trace of the person; undefined for another tenant's or person's trace. */
export async function getPersonTrace (
  db: Kysely<DB>, tenantId: string, userId: string, traceId: string
): Promise<TraceView | undefined> {
  const row = await findTrace(db, tenantId, userId, traceId)
  return row === undefined ? undefined : traceView(row)
}

/** What the queue's worker runs a reconcile with, less the queue itself: the same engine. */
export type ReconcileNowDeps = Omit<WorkerDeps, 'boss' | 'queue'>

export type ReconcileNowResult =
  | { kind: 'unknown_person' }
  /** The queue's worker (or another admin) is reconciling this person right now. */
  | { kind: 'busy', message: string }
  | { kind: 'ran', outcome: JobOutcome, trace: TraceView }

export type ReconcileNow = (
  tenantId: string, userId: string, options: { dryRun: boolean }
) => Promise<ReconcileNowResult>

/**
 * Runs one reconcile of a person now, in this process, through the engine the worker runs
 * (engine/traced-reconcile.ts), and answers its trace. A dry run asks Meta nothing and writes
 * nothing, its trace included.
 */
export function createReconcileNow (deps: ReconcileNowDeps): ReconcileNow {
  return async (tenantId, userId, options) => {
    if (!(await personKnown(deps.db, tenantId, userId))) return { kind: 'unknown_person' }
    const loaded = await loadTenantContext(deps.db, deps.box, deps.clients, tenantId)
    const tenant: TenantContext = options.dryRun ? { ...loaded, dryRun: true, client: null, members: null } : loaded
    const job = { tenantId, userId, reason: options.dryRun ? 'reconcile now (dry run)' : 'reconcile now' }
    const trigger: TraceTrigger = options.dryRun ? 'dry_run' : 'reconcile_now'
    const run = await reconcileTraced({ ...deps, observeOnly: options.dryRun }, tenant, job, null, trigger)
    if (run.outcome.kind === 'busy') return { kind: 'busy', message: run.outcome.message }
    if (run.trace === null) throw new Error('a reconcile that ran has a trace')
    return {
      kind: 'ran',
      outcome: run.outcome,
      trace: {
        id: run.traceId,
        user_id: userId,
        trigger,
        job_id: null,
        dry_run: tenant.dryRun,
        started_at: run.startedAt.toISOString(),
        duration_ms: run.durationMs,
        ...run.trace
      }
    }
  }
}
