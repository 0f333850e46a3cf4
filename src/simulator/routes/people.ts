import { INVITED_USER_TYPES, ROLES } from '../vocabulary.js'
import { GraphError, invalidParam, lastAdminError, withId } from '../graph/graph-error.js'
import { project, selectionFrom } from '../graph/fields.js'
import { businessType, memberType, roleRequestType, systemUserType } from '../graph/node-types.js'
import { enumList, oneOf, required, str } from '../graph/params.js'
import { listAnswer, type HandlerInput } from '../graph/request.js'
import type { SimBusiness, SimMember, SimRoleRequest, SimSystemUser } from '../state/model.js'
import { addInvite } from '../state/seed.js'
import { acceptInvite, adminCount, isListed, refreshStatus } from '../state/lifecycle.js'

// People in the business (docs/meta-graph-api.md §2.1 P1–P9, P12) and the rules of §4.2 / §8.1.

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

/** P1: accepted members (system users too, by setting). */
export function listMembers (input: HandlerInput): unknown {
  const { ctx, businessId } = input
  const now = ctx.now()
  const sel = selectionFrom(input.req.params)
  const type = memberType(ctx, true)
  const members = ctx.store.membersOf(businessId).filter(m => m.visibleFrom <= now)
  const rows: Array<{
    id: string, out: () => Record<string, unknown>
  }> = members.map(m => ({ id: m.id, out: () => project(type, m, sel) }))
  if (ctx.settings.systemUsersInBusinessUsers) {
    for (const s of ctx.store.systemUsersOf(businessId)) {
      rows.push({ id: s.id, out: () => project(systemUserType(), s, sel) })
    }
  }
  return listAnswer(input, rows, r => r.id, r => r.out())
}

/** P2: invite by email. */
export function invite (input: HandlerInput): unknown {
  const { ctx, req, businessId, token } = input
  const { settings, store } = ctx
  const email = required(req.params, 'email')
  if (!EMAIL.test(email)) throw invalidParam(`Param email must be a valid email address - got "${email}"`)
  const roleParam = str(req.params, 'role')
  const role = roleParam === undefined ? 'EMPLOYEE' : oneOf('role', roleParam, ROLES)
  const types = enumList(req.params, 'invited_user_type', INVITED_USER_TYPES, settings.acceptCommaLists) ?? ['FB']
  const tasks = enumList(req.params, 'tasks', ROLES, settings.acceptCommaLists) ?? []
  if (store.memberByEmail(businessId, email) !== undefined) throw new GraphError(settings.alreadyMemberError)
  const existing = store.requestsByEmailOf(businessId, email).find(r => refreshStatus(ctx, r) === 'pending')
  if (existing !== undefined && settings.duplicateInvite !== 'new') {
    if (settings.duplicateInvite === 'error') throw invalidParam(`An invitation for ${email} is already pending`)
    return { id: inviteId(input, existing) }
  }
  const now = ctx.now()
  // Oldest first: drop what left the rolling day from the front, then count.
  let sent = store.inviteLog.get(businessId)
  if (sent === undefined) store.inviteLog.set(businessId, sent = [])
  while (sent.length > 0 && (sent[0] as number) <= now - 24 * 3600_000) sent.shift()
  if (settings.inviteLimitPerDay !== null && sent.length >= settings.inviteLimitPerDay) {
    throw new GraphError(settings.inviteLimitError)
  }
  sent.push(now)
  const request = addInvite(store, now, settings.inviteTtlMs, businessId, {
    email, role, tasks, invitedUserType: types, createdBy: token.actor.id
  })
  return { id: inviteId(input, request) }
}

function inviteId (input: HandlerInput, r: SimRoleRequest): string {
  return input.ctx.settings.inviteReturns === 'business_user' ? r.futureMemberId : r.id
}

export function getMember (input: HandlerInput, m: SimMember): unknown {
  return project(memberType(input.ctx, false), m, selectionFrom(input.req.params))
}

/** P4: role, tasks and profile; demoting the last admin fails with 3914. */
export function updateMember (input: HandlerInput, m: SimMember): unknown {
  const { ctx, req } = input
  const p = req.params
  const roleParam = str(p, 'role')
  const role = roleParam === undefined ? undefined : oneOf('role', roleParam, ROLES)
  const tasks = enumList(p, 'tasks', ROLES, ctx.settings.acceptCommaLists)
  if (role !== undefined && m.role === 'ADMIN' && role !== 'ADMIN' && adminCount(ctx, m.businessId) <= 1) {
    throw lastAdminError()
  }
  if (role !== undefined) m.role = role
  if (tasks !== undefined) m.tasks = tasks
  m.firstName = str(p, 'first_name') ?? m.firstName
  m.lastName = str(p, 'last_name') ?? m.lastName
  m.title = str(p, 'title') ?? m.title
  const email = str(p, 'email') ?? str(p, 'pending_email')
  // §8.1: a new business email needs verification unless skip_verification_email is set.
  if (email !== undefined) {
    if (str(p, 'skip_verification_email') === 'true') m.email = email
    else m.pendingEmail = email
  }
  if (str(p, 'clear_pending_email') === 'true') m.pendingEmail = null
  return { success: true }
}

/** P5: removal; removing the last admin fails with 3914; assignments cascade by setting. */
export function deleteMember (input: HandlerInput, m: SimMember): unknown {
  const { ctx } = input
  if (m.role === 'ADMIN' && adminCount(ctx, m.businessId) <= 1) throw lastAdminError()
  ctx.store.members.delete(m.id)
  if (ctx.settings.removeCascadesAssignments) ctx.store.dropAssignmentsOf(m.id)
  return { success: true }
}

/** P6: pending invites, optionally filtered by email. */
export function listPending (input: HandlerInput): unknown {
  const { ctx, businessId, req } = input
  const email = str(req.params, 'email')
  const type = roleRequestType(ctx)
  const sel = selectionFrom(req.params)
  // Indexed: by email, or the business's cached listing (a page costs a page, §1.5).
  if (email !== undefined) {
    const items = ctx.store.requestsByEmailOf(businessId, email).filter(r => isListed(ctx, r))
    return listAnswer(input, items, r => r.id, r => project(type, r, sel), ['email'])
  }
  const listed = ctx.store.listedRequests(businessId, ctx.now(), ctx.settings.showClosedInvites, r => isListed(ctx, r))
  return listAnswer(input, listed.items, r => r.id, r => project(type, r, sel), ['email'], listed.indexOf)
}

export function getRequest (input: HandlerInput, r: SimRoleRequest): unknown {
  return project(roleRequestType(input.ctx), r, selectionFrom(input.req.params))
}

function requirePending (input: HandlerInput, r: SimRoleRequest): void {
  if (refreshStatus(input.ctx, r) !== 'pending') throw withId(input.ctx.settings.notFoundError, r.id, input.req.method)
}

/** P8: change the role of a pending invite (it stays pending). */
export function updateRequest (input: HandlerInput, r: SimRoleRequest): unknown {
  requirePending(input, r)
  const { params } = input.req
  const role = oneOf('role', required(params, 'role'), ROLES)
  const tasks = enumList(params, 'tasks', ROLES, input.ctx.settings.acceptCommaLists)
  r.role = role
  if (tasks !== undefined) r.tasks = tasks
  r.updatedTime = input.ctx.now()
  return { id: r.id }
}

/**
 * P9: cancel a pending invite; it disappears. An invitee listed in `acceptBeforeCancel` accepts
 * first (the race between a plan and its cancellation): the DELETE then finds no invitation.
 */
export function deleteRequest (input: HandlerInput, r: SimRoleRequest): unknown {
  const { ctx } = input
  const racing = ctx.settings.acceptBeforeCancel.some(e => e.toLowerCase() === r.email.toLowerCase())
  if (racing && refreshStatus(ctx, r) === 'pending') acceptInvite(ctx, r)
  requirePending(input, r)
  r.status = 'canceled'
  input.ctx.store.roleRequests.delete(r.id)
  return { success: true }
}

export function getBusiness (input: HandlerInput, b: SimBusiness): unknown {
  return project(businessType(input.ctx), b, selectionFrom(input.req.params))
}

export function getSystemUser (input: HandlerInput, s: SimSystemUser): unknown {
  return project(systemUserType(), s, selectionFrom(input.req.params))
}

/** P12 */
export function listSystemUsers (input: HandlerInput): unknown {
  const sel = selectionFrom(input.req.params)
  const items = input.ctx.store.systemUsersOf(input.businessId)
  return listAnswer(input, items, s => s.id, s => project(systemUserType(), s, sel))
}
