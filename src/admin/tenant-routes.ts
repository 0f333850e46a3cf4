import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../db/schema.js'
import type { Tenant } from '../tenants/tables.js'
import type { TokenService } from '../tenants/token-service.js'
import {
  deleteTenant, findTenantByName, insertTenant, listTenantsPage, renameTenant
} from '../tenants/tenants-repository.js'
import { AdminError, notFound } from './admin-errors.js'
import { page, pageQuery } from './paging.js'
import type { ZodTypeProvider } from './zod-type-provider.js'

const tenantName = z.string().trim().min(1).max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'letters, digits, space, dot, dash, underscore')
const tenantBody = z.object({ name: tenantName }).strict()

export function tenantView (t: Tenant) {
  return { id: t.id, name: t.name, created_at: t.created_at, updated_at: t.updated_at }
}

async function assertNameFree (db: Kysely<DB>, name: string, exceptId?: string): Promise<void> {
  const existing = await findTenantByName(db, name)
  if (existing && existing.id !== exceptId) throw new AdminError(409, 'conflict', `a tenant named "${name}" exists`)
}

/** `/tenants`: the list and creation, outside the tenant scope. */
export async function tenantCollectionRoutes (app: FastifyInstance, opts: { db: Kysely<DB> }): Promise<void> {
  const { db } = opts
  const admin = app.withTypeProvider<ZodTypeProvider>()

  admin.get('/tenants', { schema: { querystring: pageQuery } }, async (request) => {
    const { rows, total } = await listTenantsPage(db, request.query.limit, request.query.offset)
    return page(rows.map(tenantView), total, request.query)
  })

  admin.post('/tenants', { schema: { body: tenantBody } }, async (request, reply) => {
    await assertNameFree(db, request.body.name)
    const tenant = await insertTenant(db, request.body.name)
    return reply.code(201).header('location', `/admin/v1/tenants/${tenant.id}`).send(tenantView(tenant))
  })
}

/** `/tenants/:tenantId` itself, inside the tenant scope: read, rename, delete. */
export async function tenantRoutes (
  app: FastifyInstance, opts: { db: Kysely<DB>, tokens?: TokenService | undefined }
): Promise<void> {
  const { db } = opts
  const admin = app.withTypeProvider<ZodTypeProvider>()

  admin.get('', async (request) => tenantView(request.adminTenant))

  admin.patch('', { schema: { body: tenantBody } }, async (request) => {
    const tenant = request.adminTenant
    await assertNameFree(db, request.body.name, tenant.id)
    const renamed = await renameTenant(db, tenant.id, request.body.name)
    if (!renamed) throw notFound('tenant')
    return tenantView(renamed)
  })

  admin.delete('', async (request, reply) => {
    const tenant = request.adminTenant
    await deleteTenant(db, tenant.id)
    // Its tokens stop working now, not when the verification cache expires.
    opts.tokens?.forgetTenant(tenant.id)
    return reply.code(204).send()
  })
}
