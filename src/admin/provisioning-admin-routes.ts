import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { accessRulesRoutes } from './access-rules-routes.js'
import { auditRoutes } from './audit-routes.js'
import { metaConnectionRoutes } from './meta-connection-routes.js'
import { peopleRoutes } from './people-routes.js'
import type { AdminProvisioning } from './provisioning-deps.js'
import { queueRoutes } from './queue-routes.js'
import { traceRoutes } from './trace-routes.js'

/** Meta connection, access rules, people, plan, audit, queue and reconcile traces of a tenant. */
export async function provisioningAdminRoutes (
  app: FastifyInstance, opts: { db: Kysely<DB>, provisioning?: AdminProvisioning | undefined }
): Promise<void> {
  await app.register(metaConnectionRoutes, opts)
  await app.register(accessRulesRoutes, opts)
  await app.register(peopleRoutes, { db: opts.db })
  await app.register(auditRoutes, { db: opts.db })
  await app.register(queueRoutes, opts)
  await app.register(traceRoutes, opts)
}
