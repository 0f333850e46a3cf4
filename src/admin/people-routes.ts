import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../db/schema.js'
import { previewTenantPlan } from '../provisioning/engine/preview.js'
import { notFound } from './admin-errors.js'
import { page, pageQuery } from './paging.js'
import { getPerson, listPeople, personView } from './people-query.js'
import { tenantParams } from './tenant-scope.js'
import type { ZodTypeProvider } from './zod-type-provider.js'

const PERSON_STATES = ['none', 'invited', 'member', 'removed', 'skipped', 'failed'] as const
const peopleQuery = pageQuery.extend({ state: z.enum(PERSON_STATES).optional() }).strict()
const personParams = tenantParams.extend({ userId: z.string().uuid() })
const planQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  after: z.string().uuid().optional()
}).strict()

/** People (each SCIM user with desired and observed access) and the plan preview. */
export async function peopleRoutes (app: FastifyInstance, opts: { db: Kysely<DB> }): Promise<void> {
  const { db } = opts
  const admin = app.withTypeProvider<ZodTypeProvider>()

  admin.get('/people', { schema: { querystring: peopleQuery } }, async (request) => {
    const { query } = request
    const { rows, total } = await listPeople(db, request.adminTenant.id, query)
    return page(rows.map((row) => personView(row)), total, query)
  })

  admin.get('/people/:userId', { schema: { params: personParams } }, async (request) => {
    const person = await getPerson(db, request.adminTenant.id, request.params.userId)
    if (person === undefined) throw notFound('user')
    return personView(person)
  })

  // What the bridge would do now, from its own record: no Meta call, nothing written.
  admin.get('/plan', { schema: { querystring: planQuery } }, async (request) => {
    const { query } = request
    const preview = await previewTenantPlan(db, request.adminTenant.id, {
      limit: query.limit, ...(query.after === undefined ? {} : { afterUserId: query.after })
    })
    return {
      identity_mode: preview.identityMode,
      dry_run: preview.dryRun,
      items: preview.people.map((p) => ({
        user_id: p.userId,
        email: p.email,
        desired: { role: p.desired.role, assets: p.desired.assets, why: p.desired.why },
        observed_state: p.observed.state,
        steps: p.plan.steps,
        waiting_assets: p.plan.waitingAssets
      })),
      ...(preview.nextAfter === null ? {} : { next_after: preview.nextAfter })
    }
  })
}
