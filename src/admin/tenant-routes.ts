import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../db/schema.js'
import type { Tenant } from '../tenants/tables.js'
import type { TokenService } from '../tenants/token-service.js'
import {
  deleteTenant, findTenantById, findTenantByName, insertTenant, listTenantsPage, renameTenant
} from '../tenants/tenants-repository.js'
import { AdminError, notFound, parseInput } from './admin-errors.js'
import { page, pageQuery } from './paging.js'

const tenantName = z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'letters, digits, space, dot, dash, underscore')
const tenantBody = z.object({ name: tenantName }).strict()
export const tenantParams = z.object({ tenantId: z.string().uuid() })

export function tenantView (t: Tenant) {
  return { id: t.id, name: t.name, created_at: t.created_at, updated_at: t.updated_at }
}

/** Resolves `:tenantId` or answers 404; every tenant-scoped admin route starts here. */
export async function requireTenant (db: Kysely<DB>, params: unknown): Promise<Tenant> {
  const { tenantId } = parseInput(tenantParams, params, 'path')
  const tenant = await findTenantById(db, tenantId)
  if (!tenant) throw notFound('tenant')
  return tenant
}

async function assertNameFree (db: Kysely<DB>, name: string, exceptId?: string): Promise<void> {
  const existing = await findTenantByName(db, name)
  if (existing && existing.id !== exceptId) throw new AdminError(409, 'conflict', `a tenant named "${name}" exists`)
}

export async function tenantRoutes (app: FastifyInstance, opts: { db: Kysely<DB>, tokens?: TokenService | undefined }): Promise<void> {
  const { db } = opts

  app.get('/tenants', async (request) => {
    const query = parseInput(pageQuery, request.query, 'query')
    const { rows, total } = await listTenantsPage(db, query.limit, query.offset)
    return page(rows.map(tenantView), total, query)
  })

  app.post('/tenants', async (request, reply) => {
    const body = parseInput(tenantBody, request.body)
    await assertNameFree(db, body.name)
    const tenant = await insertTenant(db, body.name)
    return reply.code(201).header('location', `/admin/v1/tenants/${tenant.id}`).send(tenantView(tenant))
  })

  app.get('/tenants/:tenantId', async (request) => tenantView(await requireTenant(db, request.params)))

  app.patch('/tenants/:tenantId', async (request) => {
    const tenant = await requireTenant(db, request.params)
    const body = parseInput(tenantBody, request.body)
    await assertNameFree(db, body.name, tenant.id)
    const renamed = await renameTenant(db, tenant.id, body.name)
    if (!renamed) throw notFound('tenant')
    return tenantView(renamed)
  })

  app.delete('/tenants/:tenantId', async (request, reply) => {
    const tenant = await requireTenant(db, request.params)
    await deleteTenant(db, tenant.id)
    // Its tokens stop working now, not when the verification cache expires.
    opts.tokens?.forgetTenant(tenant.id)
    return reply.code(204).send()
  })
}
