import type { SimContext } from '../context.js'
import type { SimMember, SimRoleRequest } from './model.js'

// Invite lifecycle (reference §8.1): pending → accepted | declined | expired | canceled.
// Acceptance is a human action with no API; the control endpoints drive it.

/** Expires a pending invite whose expiration time has passed (evaluated lazily on read). */
export function refreshStatus (ctx: SimContext, request: SimRoleRequest): SimRoleRequest['status'] {
  if (request.status === 'pending' && ctx.now() >= request.expirationTime) {
    request.status = 'expired'
    request.updatedTime = request.expirationTime
    ctx.store.requestChanged(request)
  }
  return request.status
}

/** Whether pending_users lists it: pending ones always, closed ones only by setting (Q17). */
export function isListed (ctx: SimContext, request: SimRoleRequest): boolean {
  const status = refreshStatus(ctx, request)
  if (status === 'pending') return true
  return ctx.settings.showClosedInvites && status !== 'accepted' && status !== 'canceled'
}

export function acceptInvite (
  ctx: SimContext, request: SimRoleRequest, p: { firstName?: string, lastName?: string } = {}
): SimMember {
  if (refreshStatus(ctx, request) !== 'pending') {
    throw new Error(`invite ${request.id} is ${request.status}, not pending`)
  }
  const now = ctx.now()
  const local = request.email.split('@')[0] ?? request.email
  const member: SimMember = {
    id: request.futureMemberId,
    businessId: request.businessId,
    userId: ctx.store.nextId(),
    email: request.email,
    firstName: p.firstName ?? local,
    lastName: p.lastName ?? '',
    role: request.role,
    tasks: [...request.tasks],
    title: null,
    pendingEmail: null,
    financePermission: null,
    ipPermission: null,
    twoFacStatus: 'enabled',
    markedForRemoval: false,
    invitedUserType: [...request.invitedUserType],
    isWorkAccount: request.invitedUserType.includes('MWA'),
    visibleFrom: now + ctx.settings.acceptanceVisibleAfterMs
  }
  ctx.store.members.set(member.id, member)
  request.status = 'accepted'
  request.updatedTime = now
  ctx.store.requestChanged(request)
  return member
}

export function closeInvite (ctx: SimContext, request: SimRoleRequest, status: 'declined' | 'expired' | 'canceled'): void {
  if (refreshStatus(ctx, request) !== 'pending') {
    throw new Error(`invite ${request.id} is ${request.status}, not pending`)
  }
  request.status = status
  request.updatedTime = ctx.now()
  ctx.store.requestChanged(request)
  if (status === 'expired') request.expirationTime = Math.min(request.expirationTime, ctx.now())
}

/** The person moved to a managed Meta account (§10). */
export function makeWorkAccount (member: SimMember): void {
  member.isWorkAccount = true
  member.invitedUserType = ['MWA']
}

/** Members counted for the last-admin rule (§4.2 3914): visible human admins. */
export function adminCount (ctx: SimContext, businessId: string): number {
  return ctx.store.membersOf(businessId).filter(m => m.role === 'ADMIN').length
}
