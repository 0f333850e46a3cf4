import { invitationIsOpen, MetaApiError, type AssetType, type BusinessRole, type MetaClient } from '../../meta/index.js'
import { readRole } from '../adapters/meta-people-listing.js'

// A DELETE answered 100/33 proves nothing: Graph's text for it is "Object with ID … does not
// exist, cannot be loaded due to missing permissions, or does not support this operation"
// (reproduced in facebook/facebook-java-business-sdk issue #311). Before anything is recorded as
// gone, a read of the business's own lists must agree. These reads run only after a 100/33.

/** What a read found after a cancellation was answered 100/33. */
export type InviteAfterCancel =
  | { kind: 'gone' }
  /** Accepted between the plan and the cancellation: the person is a member now. */
  | { kind: 'member', businessUserId: string, role: BusinessRole | null }

/** The DELETE was refused while the object is still there: a permission failure, never a removal. */
export function stillThere (what: string, endpoint: string): MetaApiError {
  return new MetaApiError({
    message: `Meta answered 100/33 (missing, not permitted, or unsupported) but ${what} is still there: ` +
      'the token may not have the permission this removal needs',
    source: 'graph',
    endpoint,
    code: 100,
    subcode: 33,
    errorClass: 'permission'
  })
}

const lower = (s: string | undefined): string => (s ?? '').toLowerCase()

/** P1: is the member still listed? Throws `stillThere` when it is. */
export async function confirmMemberGone (client: MetaClient, businessUserId: string): Promise<void> {
  const members = await client.listBusinessUsers({ fields: ['id'] })
  if (members.some((m) => m.id === businessUserId)) throw stillThere(`member ${businessUserId}`, `DELETE /${businessUserId}`)
}

/** P6 (by email when known), then P1: still pending, gone, or now a member. */
export async function confirmInviteGone (
  client: MetaClient, inviteId: string, email: string | null
): Promise<InviteAfterCancel> {
  const pending = await client.listPendingUsers(email === null ? { fields: ['id', 'status'] } : { email, fields: ['id', 'email', 'status'] })
  if (pending.some((r) => r.id === inviteId && invitationIsOpen(r.status))) throw stillThere(`invitation ${inviteId}`, `DELETE /${inviteId}`)
  if (email === null) return { kind: 'gone' }
  const member = (await client.listBusinessUsers()).find((m) => lower(m.email) === lower(email))
  return member === undefined ? { kind: 'gone' } : { kind: 'member', businessUserId: member.id, role: readRole(member.role) }
}

/** The asset's assigned_users: does the person still hold it? Throws `stillThere` when they do. */
export async function confirmUnassigned (
  client: MetaClient, asset: { type: AssetType, id: string }, userId: string
): Promise<void> {
  const holders = await client.getAssignedUsers(asset, { fields: ['id'] })
  if (holders.some((u) => u.id === userId)) throw stillThere(`${userId}'s access to ${asset.id}`, `DELETE /${asset.id}/assigned_users`)
}
