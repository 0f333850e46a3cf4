import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../db/schema.js'
import type { TokenService } from '../tenants/token-service.js'
import { notFound, parseInput } from './admin-errors.js'
import { requireTenant } from './tenant-routes.js'

const createBody = z.object({ label: z.string().trim().min(1).max(100) }).strict()
const tokenParams = z.object({ tenantId: z.string().uuid(), tokenId: z.string().uuid() })

/** SCIM bearer tokens of one tenant: created (secret shown once), listed without secrets, revoked. */
export async function tokenRoutes (app: FastifyInstance, opts: { db: Kysely<DB>, tokens: TokenService }): Promise<void> {
  const { db, tokens } = opts

  app.get('/tenants/:tenantId/scim-tokens', async (request) => {
    const tenant = await requireTenant(db, request.params)
    const items = await tokens.list(tenant.id)
    return {
      items: items.map((t) => ({
        id: t.id, label: t.label, prefix: t.prefix, created_at: t.createdAt, last_used_at: t.lastUsedAt, revoked_at: t.revokedAt
      })),
      total: items.length
    }
  })

  app.post('/tenants/:tenantId/scim-tokens', async (request, reply) => {
    const tenant = await requireTenant(db, request.params)
    const body = parseInput(createBody, request.body)
    const created = await tokens.create(tenant.id, body.label)
    return reply.code(201).send({
      id: created.id, label: created.label, prefix: created.prefix, created_at: created.createdAt, token: created.token
    })
  })

  app.delete('/tenants/:tenantId/scim-tokens/:tokenId', async (request, reply) => {
    const params = parseInput(tokenParams, request.params, 'path')
    const tenant = await requireTenant(db, { tenantId: params.tenantId })
    if (!(await tokens.revoke(tenant.id, params.tokenId))) throw notFound('active token')
    return reply.code(204).send()
  })
}
