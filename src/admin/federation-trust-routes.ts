import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { OAuthServices } from '../oauth/services.js'
import type { TrustView } from '../oauth/trusts-service.js'
import { expandAudiences, issuerProblem, keySetUrlProblem } from '../oauth/trust-rules.js'
import { notFound } from './admin-errors.js'
import { tenantParams } from './tenant-scope.js'
import type { ZodTypeProvider } from './zod-type-provider.js'

const trustParams = tenantParams.extend({ trustId: z.string().uuid() })

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
  app: FastifyInstance, opts: { oauth: OAuthServices, allowLoopbackIssuers: boolean }
): Promise<void> {
  const { oauth } = opts
  const admin = app.withTypeProvider<ZodTypeProvider>()
  const fields = trustFields(opts.allowLoopbackIssuers)
  const createBody = z.object({ label: z.string().trim().min(1).max(100), ...fields }).strict()
  const patchBody = z.object({ label: z.string().trim().min(1).max(100), ...fields }).partial().strict()
    .refine((b) => Object.keys(b).length > 0, 'nothing to change')

  admin.get('/federation-trusts', async (request) => {
    const items = (await oauth.trusts.list(request.adminTenant.id)).map(trustJson)
    return { items, total: items.length }
  })

  admin.post('/federation-trusts', { schema: { body: createBody } }, async (request, reply) => {
    const { body } = request
    const trust = await oauth.trusts.create(request.adminTenant.id, body.label, {
      issuer: body.issuer, jwksUri: body.jwks_uri, subject: body.subject, audiences: expandAudiences(body.audiences)
    })
    return reply.code(201).send(trustJson(trust))
  })

  admin.get('/federation-trusts/:trustId', { schema: { params: trustParams } }, async (request) => {
    const trust = await oauth.trusts.get(request.adminTenant.id, request.params.trustId)
    if (!trust) throw notFound('federation trust')
    return trustJson(trust)
  })

  admin.patch('/federation-trusts/:trustId', { schema: { params: trustParams, body: patchBody } }, async (request) => {
    const { body } = request
    const trust = await oauth.trusts.update(request.adminTenant.id, request.params.trustId, {
      ...(body.issuer === undefined ? {} : { issuer: body.issuer }),
      ...(body.jwks_uri === undefined ? {} : { jwksUri: body.jwks_uri }),
      ...(body.subject === undefined ? {} : { subject: body.subject }),
      ...(body.audiences === undefined ? {} : { audiences: expandAudiences(body.audiences) })
    })
    if (!trust) throw notFound('active federation trust')
    return trustJson(trust)
  })

  admin.delete('/federation-trusts/:trustId', { schema: { params: trustParams } }, async (request, reply) => {
    const revoked = await oauth.trusts.revoke(request.adminTenant.id, request.params.trustId)
    if (!revoked) throw notFound('active federation trust')
    return reply.code(204).send()
  })
}
