import { invitationStatusKind } from '../meta/index.js'
import { primaryByUser } from './matching.js'
import type { MatchedPerson, MetaAssignment, ScimIdentity } from './snapshot-types.js'
import type { AssetAccess, ObservedPerson, ObservedStateName } from './ports.js'

function stateOf (p: MatchedPerson | undefined): ObservedStateName {
  if (p === undefined) return 'absent'
  if (p.kind === 'member') return 'active'
  const status = invitationStatusKind(p.inviteStatus)
  if (status === 'open') return 'invited'
  if (status === 'expired') return 'invite_expired'
  if (status === 'declined') return 'invite_declined'
  return 'absent'
}

/** Asset tasks per business-scoped id, from the assigned_users reads (§2.3). */
export function assetsByPerson (assignments: readonly MetaAssignment[]): Map<string, AssetAccess[]> {
  const out = new Map<string, AssetAccess[]>()
  for (const a of assignments) {
    const list = out.get(a.personId) ?? []
    list.push({ assetType: a.assetType, assetId: a.assetId, tasks: [...a.tasks].sort() })
    out.set(a.personId, list)
  }
  return out
}

/** The observed Meta state of every SCIM user, as this sync saw it (reference §8.1). */
export function observeUsers (
  users: readonly ScimIdentity[], people: readonly MatchedPerson[], assignments: readonly MetaAssignment[]
): ObservedPerson[] {
  const primary = primaryByUser(people)
  const assets = assetsByPerson(assignments)
  return users.map((user) => {
    const p = primary.get(user.id)
    const state = stateOf(p)
    const member = p?.kind === 'member' ? p : undefined
    const invite = p?.kind === 'invite' ? p : undefined
    return {
      userId: user.id,
      state,
      businessUserId: member?.metaId ?? null,
      roleRequestId: invite?.metaId ?? null,
      role: state === 'absent' ? null : (p?.role ?? null),
      financePermission: p?.financePermission ?? null,
      ipPermission: p?.ipPermission ?? null,
      workAccount: p?.workAccount ?? false,
      inviteStatus: invite?.inviteStatus ?? null,
      inviteExpiresAt: invite?.expiresAt ?? null,
      assets: member === undefined ? [] : (assets.get(member.metaId) ?? [])
    }
  })
}
