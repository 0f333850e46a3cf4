import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import type { MetaGovernor } from '../meta/index.js'
import type { HealthThresholds } from './classify.js'
import { tenantHealth } from './tenant-health.js'

export interface HealthRoutesOptions {
  db: Kysely<DB>
  /** This process's governor (its buckets are per process); absent without the runtime. */
  governor?: MetaGovernor | undefined
  thresholds?: HealthThresholds | undefined
  now?: (() => Date) | undefined
}

/** `GET /tenants/:tenantId/health` (admin tenant scope): the tenant's health in one call (docs/operations.md §10). */
export async function healthSummaryRoutes (app: FastifyInstance, opts: HealthRoutesOptions): Promise<void> {
  const { governor } = opts
  app.get('/health', async (request) => {
    return await tenantHealth({
      db: opts.db,
      governor: governor === undefined ? undefined : () => governor.snapshot(),
      thresholds: opts.thresholds,
      now: opts.now
    }, request.adminTenant.id)
  })
}
