import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../db/schema.js'
import type { OAuthServices } from '../oauth/services.js'
import type { TrustView } from '../oauth/trusts-service.js'
import { expandAudiences, issuerProblem, keySetUrlProblem } from '../oauth/trust-rules.js'
import { notFound, parseInput } from './admin-errors.js'
import { requireTenant } from './tenant-routes.js'

const trustParams = z.object({ tenantId: z.string().uuid(), trustId: z.string().uuid() })

function trustFields (allowLoopback: boolean) {
  return {
    issuer: z.string().trim().min(1).max(500).superRefine((v, ctx) => {
      const problem = issuerProblem(v, allowLoopback)
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    }),
    jwks_uri: z.string().trim().min(1).max(500).superRefine((v, ctx) => {
      const problem = keySetUrlProblem(v, allowLoopback)
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    }),
    subject: z.string().trim().min(1).max(200),
    audiences: z.array(z.string().trim().min(1).max(300)).min(1).max(10)
  }
}

function trustJson (t: TrustView) {
  return {
    id: t.id,
    client_id: t.clientId,
    label: t.label,
    issuer: t.issuer,
    jwks_uri: t.jwksUri,
    subject: t.subject,
    audiences: t.audiences,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
    last_used_at: t.lastUsedAt,
    revoked_at: t.revokedAt
  }
}

/**
 * Workload identity federation trusts of one tenant: the Entra workload identity (issuer,
 * subject, audiences, key set) whose assertions `POST /oauth/token` accepts for this tenant.
 * Rotating to a new workload identity is a PATCH (tokens issued under the old values end) or
 * a second trust created before the first is revoked.
 */
export async function federationTrustRoutes (
  app: FastifyInstance, opts: { db: Kysely<DB>, oauth: OAuthServices, allowLoopbackIssuers: boolean }
): Promise<void> {
  const { db, oauth } = opts
  const fields = trustFields(opts.allowLoopbackIssuers)
  const createBody = z.object({ label: z.string().trim().min(1).max(100), ...fields }).strict()
  const patchBody = z.object({ label: z.string().trim().min(1).max(100), ...fields }).partial().strict()
    .refine((b) => Object.keys(b).length > 0, 'nothing to change')

  app.get('/tenants/:tenantId/federation-trusts', async (request) => {
    const tenant = await requireTenant(db, request.params)
    const items = (await oauth.trusts.list(tenant.id)).map(trustJson)
    return { items, total: items.length }
  })

  app.post('/tenants/:tenantId/federation-trusts', async (request, reply) => {
    const tenant = await requireTenant(db, request.params)
    const body = parseInput(createBody, request.body)
    const trust = await oauth.trusts.create(tenant.id, body.label, {
      issuer: body.issuer, jwksUri: body.jwks_uri, subject: body.subject, audiences: expandAudiences(body.audiences)
    })
    return reply.code(201).send(trustJson(trust))
  })

  app.get('/tenants/:tenantId/federation-trusts/:trustId', async (request) => {
    const p = parseInput(trustParams, request.params, 'path')
    const tenant = await requireTenant(db, { tenantId: p.tenantId })
    const trust = await oauth.trusts.get(tenant.id, p.trustId)
    if (!trust) throw notFound('federation trust')
    return trustJson(trust)
  })

  app.patch('/tenants/:tenantId/federation-trusts/:trustId', async (request) => {
    const p = parseInput(trustParams, request.params, 'path')
    const tenant = await requireTenant(db, { tenantId: p.tenantId })
    const body = parseInput(patchBody, request.body)
    const trust = await oauth.trusts.update(tenant.id, p.trustId, {
      ...(body.issuer === undefined ? {} : { issuer: body.issuer }),
      ...(body.jwks_uri === undefined ? {} : { jwksUri: body.jwks_uri }),
      ...(body.subject === undefined ? {} : { subject: body.subject }),
      ...(body.audiences === undefined ? {} : { audiences: expandAudiences(body.audiences) })
    })
    if (!trust) throw notFound('active federation trust')
    return trustJson(trust)
  })

  app.delete('/tenants/:tenantId/federation-trusts/:trustId', async (request, reply) => {
    const p = parseInput(trustParams, request.params, 'path')
    const tenant = await requireTenant(db, { tenantId: p.tenantId })
    if (!(await oauth.trusts.revoke(tenant.id, p.trustId))) throw notFound('active federation trust')
    return reply.code(204).send()
  })
}
