import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { approveHeld, changeBudget, rejectHeld, UnknownHeldError, type DecisionDeps, type Selection } from '../brake/decisions.js'
import { listHeld } from '../brake/held-repository.js'
import { brakeStatus, type BrakeStatus } from '../brake/status.js'
import type { HeldRemovalRow } from '../brake/tables.js'
import type { DB } from '../db/schema.js'
import type { ReconcileQueue } from '../provisioning/jobs/queue.js'
import { adminTokenLabel } from '../tenants/admin-tokens-repository.js'
import { hashToken } from '../tenants/token-crypto.js'
import { AdminError } from './admin-errors.js'
import { page, pageQuery } from './paging.js'
import type { ZodTypeProvider } from './zod-type-provider.js'

const selectionBody = z.union([
  z.object({ all: z.literal(true) }).strict(),
  z.object({ ids: z.array(z.string().uuid()).min(1).max(1000) }).strict()
])

const budgetBody = z.object({
  budget_count: z.number().int().min(0).max(1_000_000).optional(),
  budget_percent: z.number().min(0).max(100).optional(),
  window_seconds: z.number().int().min(1).max(30 * 86_400).optional()
}).strict()

const statusView = (s: BrakeStatus) => ({
  engaged: s.engaged,
  engaged_at: s.engagedAt,
  first_cause: s.firstCause,
  held: s.held,
  used_in_window: s.usedInWindow,
  limit: s.limit,
  budget_count: s.settings.budgetCount,
  budget_percent: s.settings.budgetPercent,
  window_seconds: s.settings.windowSeconds
})

export const heldView = (r: HeldRemovalRow) => ({
  id: r.id, user_id: r.user_id, email: r.email, action: r.action, since: r.held_at, cause: r.cause, step: r.step
})

/** Who decided: the admin token's label, or "admin" for ADMIN_TOKEN from the environment. */
async function actorOf (db: Kysely<DB>, request: FastifyRequest): Promise<string> {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1]
  if (token === undefined) return 'admin'
  const label = await adminTokenLabel(db, hashToken(token))
  return label === undefined ? 'admin' : `admin:${label}`
}

async function decide (
  request: FastifyRequest, selection: Selection,
  deps: Pick<DecisionDeps, 'db' | 'now'> & { queue: ReconcileQueue | undefined }, run: typeof approveHeld
): Promise<{ count: number, items: Array<ReturnType<typeof heldView>> }> {
  const tenant = request.adminTenant
  // Approving enqueues reconciles; a process built without the queue cannot (tests, tools).
  if (deps.queue === undefined) throw new AdminError(503, 'unavailable', 'the reconcile queue is not available in this process')
  try {
    const rows = await run(
      { db: deps.db, queue: deps.queue, now: deps.now }, tenant.id, selection, await actorOf(deps.db, request)
    )
    return { count: rows.length, items: rows.map(heldView) }
  } catch (err) {
    if (err instanceof UnknownHeldError) throw new AdminError(404, 'not_found', err.message, { ids: err.ids })
    throw err
  }
}

/** The removal brake: state, held actions, approve, reject, budget. */
export async function brakeRoutes (
  app: FastifyInstance, opts: { db: Kysely<DB>, queue?: ReconcileQueue | undefined, now?: (() => Date) | undefined }
): Promise<void> {
  const { db } = opts
  const admin = app.withTypeProvider<ZodTypeProvider>()
  // The window is counted on the same clock the gate records uses with (DecisionDeps.now).
  const now = opts.now ?? (() => new Date())

  admin.get('/removal-brake', async (request) => statusView(await brakeStatus(db, request.adminTenant.id, now())))

  admin.patch('/removal-brake', { schema: { body: budgetBody } }, async (request) => {
    const tenant = request.adminTenant
    const { body } = request
    await changeBudget(db, tenant.id, {
      ...(body.budget_count === undefined ? {} : { budgetCount: body.budget_count }),
      ...(body.budget_percent === undefined ? {} : { budgetPercent: body.budget_percent }),
      ...(body.window_seconds === undefined ? {} : { windowSeconds: body.window_seconds })
    }, await actorOf(db, request))
    return statusView(await brakeStatus(db, tenant.id, now()))
  })

  admin.get('/removal-brake/held', { schema: { querystring: pageQuery } }, async (request) => {
    const { query } = request
    const { rows, total } = await listHeld(db, request.adminTenant.id, query.limit, query.offset)
    return page(rows.map(heldView), total, query)
  })

  const deps = { db, queue: opts.queue, now }
  const selection = { schema: { body: selectionBody } }
  admin.post('/removal-brake/approve', selection, async (request) =>
    await decide(request, request.body, deps, approveHeld))
  admin.post('/removal-brake/reject', selection, async (request) =>
    await decide(request, request.body, deps, rejectHeld))
}
