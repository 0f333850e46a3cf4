import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../db/schema.js'
import { driftReport } from '../sync/drift-service.js'
import type { SyncService } from '../sync/sync-service.js'
import { AdminError } from './admin-errors.js'
import type { ZodTypeProvider } from './zod-type-provider.js'

const driftQuery = z.object({
  invite_age_days: z.coerce.number().int().min(0).max(3650).default(14)
}).strict()

/** The drift report of one tenant, from its last sync. */
export async function driftRoutes (app: FastifyInstance, opts: { db: Kysely<DB>, sync: SyncService }): Promise<void> {
  const { db } = opts
  const { ports } = opts.sync

  app.withTypeProvider<ZodTypeProvider>().get('/drift', { schema: { querystring: driftQuery } }, async (request) => {
    const report = await driftReport(db, ports, request.adminTenant.id, request.query.invite_age_days)
    if (report === undefined) throw new AdminError(409, 'no_snapshot', 'no sync of this tenant has succeeded yet: start one first')
    return report
  })
}
