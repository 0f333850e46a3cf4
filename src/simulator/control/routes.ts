import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import type { Simulator } from '../simulator.js'
import type { DeepPartial, SimulatorSettings } from '../settings.js'
import { dumpBusiness } from './dump.js'
import * as B from './schemas.js'

// Control endpoints for tests and demos under /__sim (not part of Meta's API).
// See docs/meta-simulator.md for the full list.

export function registerControlRoutes (app: FastifyInstance, sim: Simulator): void {
  app.setErrorHandler((err, _req, reply: FastifyReply) => {
    if (err instanceof z.ZodError) return reply.code(400).send({ error: 'invalid body', issues: err.issues })
    const message = err instanceof Error ? err.message : String(err)
    return reply.code(/^no /.test(message) ? 404 : 400).send({ error: message })
  })

  app.get('/health', async () => ({ ok: true }))
  app.post('/reset', async () => {
    sim.reset()
    return { ok: true }
  })
  app.get('/settings', async () => sim.settings)
  app.patch('/settings', async req => sim.updateSettings((req.body ?? {}) as DeepPartial<SimulatorSettings>))

  app.post('/businesses', async (req, reply) => {
    const s = sim.seedBusiness(B.BusinessBody.parse(req.body ?? {}))
    return reply.code(201).send({
      businessId: s.business.id,
      appId: s.app.id,
      appSecret: s.app.secret,
      systemUserId: s.systemUser.id,
      accessToken: s.token,
      admins: s.admins.map(a => ({ id: a.id, email: a.email }))
    })
  })
  app.get<{ Params: { id: string } }>('/businesses/:id', async (req, reply) => {
    const dump = dumpBusiness(sim, req.params.id)
    return dump === null ? reply.code(404).send({ error: `no business ${req.params.id}` }) : dump
  })
  app.post<{ Params: { id: string } }>('/businesses/:id/members', async (req, reply) =>
    await reply.code(201).send(sim.addMember(req.params.id, B.PersonBody.parse(req.body))))
  app.post<{ Params: { id: string } }>('/businesses/:id/invites', async (req, reply) =>
    await reply.code(201).send(sim.addInvite(req.params.id, B.InviteBody.parse(req.body))))
  app.post<{ Params: { id: string } }>('/businesses/:id/system-users', async (req, reply) =>
    await reply.code(201).send(sim.addSystemUser(req.params.id, B.SystemUserBody.parse(req.body))))
  app.post<{ Params: { id: string } }>('/businesses/:id/tokens', async (req, reply) => {
    const body = B.TokenBody.parse(req.body)
    const business = sim.store.businesses.get(req.params.id)
    if (business === undefined) throw new Error(`no business ${req.params.id}`)
    const appId = body.appId ?? [...business.claimedAppIds][0] ?? ''
    return await reply.code(201).send({ accessToken: sim.addToken({ ...body, appId, businessId: business.id }) })
  })
  app.post<{ Params: { id: string } }>('/businesses/:id/assets', async (req, reply) => {
    const a = sim.addAsset(req.params.id, B.AssetBody.parse(req.body))
    return await reply.code(201).send({
      id: a.id, type: a.type, name: a.name, sharedWith: [...a.sharedWith], readable: a.unreadable !== true
    })
  })
  app.post<{ Params: { id: string } }>('/businesses/:id/partners', async (req, reply) => {
    const p = sim.addPartner(req.params.id, B.PartnerBody.parse(req.body))
    return await reply.code(201).send({ id: p.id, name: p.name })
  })
  app.get('/permissions', async () => ({ granted: sim.settings.permissions.granted }))
  app.post('/permissions', async req => ({ granted: sim.changePermissions(B.PermissionsBody.parse(req.body ?? {})) }))
  app.post<{ Params: { id: string } }>('/assets/:id/readable', async req => {
    const body = B.ReadableBody.parse(req.body)
    sim.setAssetReadable(req.params.id, body.readable)
    return { id: req.params.id, readable: body.readable }
  })
  app.post<{ Params: { id: string } }>('/assets/:id/assignments', async req => {
    const body = B.AssignmentBody.parse(req.body)
    if (!sim.store.assets.has(req.params.id)) throw new Error(`no asset ${req.params.id}`)
    sim.assign(req.params.id, body.user, body.tasks)
    return { ok: true }
  })

  app.post<{ Params: { id: string } }>('/invites/:id/accept', async req => sim.acceptInvite(req.params.id, B.AcceptBody.parse(req.body ?? {})))
  app.post<{ Params: { id: string } }>('/invites/:id/decline', async req => {
    sim.declineInvite(req.params.id)
    return { ok: true }
  })
  app.post<{ Params: { id: string } }>('/invites/:id/expire', async req => {
    sim.expireInvite(req.params.id)
    return { ok: true }
  })
  app.post<{ Params: { id: string } }>('/members/:id/work-account', async req => sim.makeWorkAccount(req.params.id))

  app.post('/faults', async (req, reply) => await reply.code(201).send(sim.faults.add(B.FaultBody.parse(req.body))))
  app.get('/faults', async () => sim.faults.list())
  app.delete('/faults', async () => {
    sim.faults.clear()
    return { ok: true }
  })

  app.get('/calls', async req => sim.calls.list(B.CallsQuery.parse(req.query)))
  app.delete('/calls', async () => {
    sim.calls.clear()
    return { ok: true }
  })

  app.get('/rate-limits', async () => sim.limiter.all())
  app.post('/rate-limits/usage', async req => {
    const body = B.UsageBody.parse(req.body)
    sim.limiter.setUsage({ key: body.bucket, kind: body.bucket.startsWith('app:') ? 'app' : 'buc' }, body.pct)
    return sim.limiter.status({ key: body.bucket, kind: body.bucket.startsWith('app:') ? 'app' : 'buc' })
  })
}
