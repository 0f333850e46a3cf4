import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { requireProvisioning, type AdminProvisioning } from './provisioning-deps.js'
import { queueStatus, retryTenantQueue } from './queue-query.js'

/** The tenant's reconcile queue: depth, oldest job age, failing jobs, retry now. */
export async function queueRoutes (
  app: FastifyInstance, opts: { db: Kysely<DB>, provisioning?: AdminProvisioning | undefined }
): Promise<void> {
  const { db } = opts

  app.get('/queue', async (request) => {
    const tenant = request.adminTenant
    // pg-boss's tables exist once the runtime has started.
    requireProvisioning(opts.provisioning)
    return await queueStatus(db, tenant.id)
  })

  app.post('/queue/retry', async (request) => {
    const tenant = request.adminTenant
    const { queue } = requireProvisioning(opts.provisioning)
    const result = await retryTenantQueue(db, queue, tenant.id)
    return { ...result, status: await queueStatus(db, tenant.id) }
  })
}
