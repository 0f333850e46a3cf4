import type { Kysely, Transaction } from 'kysely'
import { fromKysely, type PgBoss, type Queue } from 'pg-boss'
import { z } from 'zod'
import type { DB } from '../../db/schema.js'
import { setConnectionStatus } from '../../tenants/meta-settings.js'
import { writeAudit } from '../records/audit-repository.js'
import { classifyFailure } from './failure-classes.js'
import { traced } from '../adapters/meta-trace.js'
import type { ProvisioningMetrics } from '../adapters/metrics-sink.js'
import type { JobOutcome } from './reconcile.js'
import type { TenantContext } from '../adapters/tenant-context.js'
import { confirmInviteGone, confirmMemberGone } from './confirm-absence.js'

// Removal of people the IdP does not know, asked for by the sync's "remove unmanaged members"
// policy (src/sync/ports.ts requestRemovals). They have no SCIM user, so they are not
// reconciled: each is one job that cancels an invitation or removes a member.

export const UNMANAGED_QUEUE = 'remove-unmanaged'

export const unmanagedJobSchema = z.object({
  tenantId: z.string(),
  kind: z.enum(['member', 'invite']),
  metaId: z.string(),
  email: z.string().nullable(),
  cause: z.string()
})
export type UnmanagedJob = z.infer<typeof unmanagedJobSchema>

export const UNMANAGED_QUEUE_OPTIONS: Omit<Queue, 'name'> = {
  policy: 'stately', retryLimit: 30, retryDelay: 5, retryBackoff: true, retryDelayMax: 900, expireInSeconds: 900, heartbeatSeconds: 10, deleteAfterSeconds: 86_400
}

export async function ensureUnmanagedQueue (boss: PgBoss): Promise<void> {
  if (await boss.getQueue(UNMANAGED_QUEUE) === null) await boss.createQueue(UNMANAGED_QUEUE, UNMANAGED_QUEUE_OPTIONS)
}

export async function enqueueUnmanagedRemovals (
  boss: PgBoss, trx: Kysely<DB> | Transaction<DB>, jobs: readonly UnmanagedJob[]
): Promise<void> {
  if (jobs.length === 0) return
  await boss.insert(UNMANAGED_QUEUE, jobs.map((data) => ({ data, singletonKey: `${data.tenantId}:${data.kind}:${data.metaId}` })), { db: fromKysely(trx) })
}

/**
 * Executes one removal (meta-graph-api.md §2.1 P5/P9); same failure handling as reconciles.
 * Counted like the plan step it amounts to (`remove`, `cancel_invite`).
 */
export async function removeUnmanaged (
  db: Kysely<DB>, tenant: TenantContext, job: UnmanagedJob, metrics?: ProvisioningMetrics
): Promise<JobOutcome> {
  const base = { tenantId: job.tenantId, actor: 'sync', userId: null, email: job.email, reason: job.cause }
  const action = job.kind === 'member' ? 'remove_unmanaged' : 'cancel_unmanaged_invite'
  const count = (outcome: Parameters<ProvisioningMetrics['recordProvisioningAction']>[1]): void => {
    metrics?.recordProvisioningAction(job.kind === 'member' ? 'remove' : 'cancel_invite', outcome)
  }
  const detail = { kind: job.kind, metaId: job.metaId }
  if (tenant.settings.identityMode === 'work_accounts') {
    count('skipped')
    await writeAudit(db, { ...base, action: `skip:${action}`, outcome: 'skipped', detail, message: 'work_accounts: the bridge does not remove people' })
    return { kind: 'done' }
  }
  if (tenant.dryRun || tenant.client === null) {
    count('dry_run')
    await writeAudit(db, { ...base, action, outcome: 'dry_run', detail })
    return { kind: 'done' }
  }
  if (tenant.settings.connection.status === 'disconnected') return { kind: 'parked', message: tenant.settings.connection.error ?? 'tenant disconnected' }
  const client = tenant.client
  try {
    const { value, traceId } = await traced(async () => {
      if (job.kind === 'member') {
        const outcome = await client.removeBusinessUser(job.metaId)
        // 100/33 is not proof of absence: a read must agree (confirm-absence.ts).
        if (outcome === 'not_found') await confirmMemberGone(client, job.metaId)
        return { outcome, found: null }
      }
      const outcome = await client.cancelPendingUser(job.metaId)
      return { outcome, found: outcome === 'not_found' ? await confirmInviteGone(client, job.metaId, job.email) : null }
    })
    if (value.found?.kind === 'member') {
      // Accepted before the cancellation: an unmanaged member now, whom the next sync hands to
      // the removal path (and its brake) like any other.
      count('skipped')
      await writeAudit(db, { ...base, action, outcome: 'adopted', detail: { ...detail, outcome: 'accepted_before_cancel', businessUserId: value.found.businessUserId }, metaTraceId: traceId, message: 'the invitation was accepted before it could be cancelled; the next sync removes the member' })
      return { kind: 'done' }
    }
    count('applied')
    await writeAudit(db, { ...base, action, outcome: 'applied', detail: { ...detail, outcome: value.outcome }, metaTraceId: traceId })
    return { kind: 'done' }
  } catch (err) {
    const f = classifyFailure(err)
    count('failed')
    if (f.kind === 'retry') return { kind: 'retry', message: f.message }
    await writeAudit(db, { ...base, action, outcome: f.kind === 'refused' ? 'refused' : 'failed', detail, errorCode: f.code, message: f.message, metaTraceId: f.traceId })
    if (f.kind === 'auth') {
      await setConnectionStatus(db, job.tenantId, 'disconnected', `${f.code ?? ''} ${f.message}`.trim())
      return { kind: 'parked', message: f.message }
    }
    return { kind: 'done' }
  }
}
