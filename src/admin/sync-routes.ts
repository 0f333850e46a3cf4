import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../db/schema.js'
import type { SyncService } from '../sync/sync-service.js'
import { findRun, listRuns } from '../sync/runs-repository.js'
import { getSyncSettings, updateSyncSettings, type SyncSettings } from '../sync/settings-repository.js'
import type { SyncRunRow } from '../sync/tables.js'
import { AdminError, notFound } from './admin-errors.js'
import { page, pageQuery } from './paging.js'
import { tenantParams } from './tenant-scope.js'
import type { ZodTypeProvider } from './zod-type-provider.js'

const runParams = tenantParams.extend({ runId: z.string().uuid() })
const settingsBody = z.object({
  // 0 turns the schedule off; at most weekly.
  schedule_minutes: z.number().int().min(0).max(10_080).optional(),
  unmanaged_policy: z.enum(['report', 'remove']).optional()
}).strict()

export function runView (r: SyncRunRow) {
  return {
    id: r.id,
    tenant_id: r.tenant_id,
    trigger: r.trigger,
    status: r.status,
    phase: r.phase,
    counts: r.counts,
    summary: r.summary,
    error: r.error,
    started_at: r.started_at,
    finished_at: r.finished_at
  }
}

const settingsView = (s: SyncSettings) => ({ schedule_minutes: s.scheduleMinutes, unmanaged_policy: s.unmanagedPolicy })

/** Sync ("check for updates"): start, status, history and settings of one tenant. */
export async function syncRoutes (app: FastifyInstance, opts: { db: Kysely<DB>, sync: SyncService }): Promise<void> {
  const { db, sync } = opts
  // Let a run this process started finish (or fail) before the database closes.
  app.addHook('onClose', async () => { await sync.drain() })
  const admin = app.withTypeProvider<ZodTypeProvider>()

  admin.post('/sync', async (request, reply) => {
    const tenant = request.adminTenant
    const outcome = await sync.start(tenant.id, 'manual')
    if ('running' in outcome) {
      throw new AdminError(409, 'conflict', 'a sync of this tenant is already running', { run_id: outcome.running.id })
    }
    return reply.code(202)
      .header('location', `/admin/v1/tenants/${tenant.id}/sync/runs/${outcome.started.id}`)
      .send(runView(outcome.started))
  })

  admin.get('/sync/runs', { schema: { querystring: pageQuery } }, async (request) => {
    const { query } = request
    const { rows, total } = await listRuns(db, request.adminTenant.id, query.limit, query.offset)
    return page(rows.map(runView), total, query)
  })

  admin.get('/sync/runs/:runId', { schema: { params: runParams } }, async (request) => {
    const run = await findRun(db, request.adminTenant.id, request.params.runId)
    if (run === undefined) throw notFound('sync run')
    return runView(run)
  })

  admin.get('/sync/settings', async (request) => settingsView(await getSyncSettings(db, request.adminTenant.id)))

  admin.patch('/sync/settings', { schema: { body: settingsBody } }, async (request) => {
    const { body } = request
    return settingsView(await updateSyncSettings(db, request.adminTenant.id, {
      ...(body.schedule_minutes === undefined ? {} : { scheduleMinutes: body.schedule_minutes }),
      ...(body.unmanaged_policy === undefined ? {} : { unmanagedPolicy: body.unmanaged_policy })
    }))
  })
}
