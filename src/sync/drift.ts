import { differences, type Difference } from './differences.js'
import { matchPeople } from './matching.js'
import {
  isPendingInvite, type MatchedPerson, type MetaAssignment, type MetaPartner, type MetaPerson, type ScimIdentity, type
  UnreadableAsset
} from './snapshot-types.js'
import { observeUsers } from './observed.js'
import type { DesiredAccess, ObservedPerson, UnmanagedPerson } from './ports.js'

// The drift report: what the business holds against what the IdP says, from the
// last snapshot and the SCIM users as they are now. Pure; the sync and GET …/drift share it.

export interface DriftInput {
  snapshot: { runId: string, businessId: string, takenAt: Date }
  people: readonly MetaPerson[]
  assignments: readonly MetaAssignment[]
  partners: readonly MetaPartner[]
  users: readonly ScimIdentity[]
  desired: ReadonlyMap<string, DesiredAccess>
  inviteAgeDays: number
  now: Date
  /** Assets listed but not readable in this snapshot (reported, never compared). */
  unreadableAssets?: readonly UnreadableAsset[]
}

const DAY_MS = 86_400_000

export interface Drift {
  matched: MatchedPerson[]
  observed: ObservedPerson[]
  /** Users whose desired and observed access differ: each needs a reconcile. */
  differing: Map<string, Difference[]>
  unmanaged: UnmanagedPerson[]
  report: DriftReport
}

export type DriftReport = ReturnType<typeof reportOf>

function personView (p: MetaPerson) {
  return { kind: p.kind, meta_id: p.metaId, email: p.email, name: p.name, role: p.role, work_account: p.workAccount }
}

export function computeDrift (input: DriftInput): Drift {
  const { people: matched, ambiguousEmails } = matchPeople(input.users, input.people)
  const unreadable = (input.unreadableAssets ?? []).map((a) => ({ assetType: a.assetType, assetId: a.assetId }))
  const observed = observeUsers(input.users, matched, input.assignments)
    .map((o) => unreadable.length === 0 ? o : { ...o, unreadableAssets: unreadable })
  const differing = new Map<string, Difference[]>()
  for (const o of observed) {
    const diffs = differences(input.desired.get(o.userId), o)
    if (diffs.length > 0) differing.set(o.userId, diffs)
  }
  // Unmanaged: members and pending invites no SCIM user claims (closed invites hold no seat).
  const unmanaged = matched
    .filter((p) => p.matchedUserId === null && (p.kind === 'member' || isPendingInvite(p)))
    .map((p) => ({ kind: p.kind as 'member' | 'invite', metaId: p.metaId, email: p.email, role: p.role }))
  return {
    matched, observed, differing, unmanaged, report: reportOf(input, matched, observed, differing, ambiguousEmails)
  }
}

function reportOf (
  input: DriftInput, matched: MatchedPerson[], observed: ObservedPerson[], differing: Map<string, Difference[]>,
  ambiguousEmails: string[]
) {
  const userName = new Map(input.users.map((u) => [u.id, u.userName]))
  const byUser = new Map(observed.map((o) => [o.userId, o]))
  const metaIdOf = (id: string): string | null =>
    byUser.get(id)?.businessUserId ?? byUser.get(id)?.roleRequestId ?? null
  const rows = <T extends Difference['type']>(type: T) => [...differing].flatMap(([userId, diffs]) =>
    diffs.filter((d): d is Extract<Difference, { type: T }> => d.type === type)
      .map((d) => ({ user_id: userId, user_name: userName.get(userId) ?? null, meta_id: metaIdOf(userId), ...d })))
  const cutoff = input.now.getTime() - input.inviteAgeDays * DAY_MS
  const assetsOf = (id: string) => input.assignments.filter((a) => a.personId === id)
    .map((a) => ({ asset_type: a.assetType, asset_id: a.assetId, tasks: a.tasks }))
  const duplicates = [...new Set(
    matched.filter((p) => !p.primaryMatch && p.matchedUserId !== null).map((p) => p.matchedUserId as string)
  )]
    .map((userId) => ({
      user_id: userId,
      user_name: userName.get(userId) ?? null,
      identities: matched.filter((p) => p.matchedUserId === userId).map((p) => ({
        ...personView(p), primary: p.primaryMatch
      }))
    }))
  const report = {
    snapshot: {
      run_id: input.snapshot.runId,
      business_id: input.snapshot.businessId,
      taken_at: input.snapshot.takenAt.toISOString()
    },
    invite_age_days: input.inviteAgeDays,
    unmanaged: matched.filter((p) => p.matchedUserId === null && (p.kind === 'member' || isPendingInvite(p))).map(personView),
    missing: rows('missing').map(({ user_id: id, user_name: name }) => ({ user_id: id, user_name: name, desired_role: input.desired.get(id)?.role ?? null })),
    not_entitled: rows('not_entitled').map(({ type: _type, ...r }) => ({ ...r, state: byUser.get(r.user_id)?.state ?? 'absent' })),
    role_differences: rows('role').map(({ type: _type, ...r }) => r),
    asset_differences: rows('asset').map(({ type: _type, ...r }) => r),
    manual_steps: rows('asset').filter((r) => r.manual_step !== undefined)
      .map((r) => ({ user_id: r.user_id, user_name: r.user_name, meta_id: r.meta_id, action: 'unassign', asset_type: r.asset_type, asset_id: r.asset_id, instruction: r.manual_step })),
    stale_invites: matched
      .filter((p) => p.kind === 'invite' && p.invitedAt !== null && p.invitedAt.getTime() <= cutoff)
      .map((p) => ({
        meta_id: p.metaId,
        email: p.email,
        status: p.inviteStatus,
        user_id: p.matchedUserId,
        invited_at: p.invitedAt?.toISOString() ?? null,
        expires_at: p.expiresAt?.toISOString() ?? null,
        age_days: Math.floor((input.now.getTime() - (p.invitedAt?.getTime() ?? 0)) / DAY_MS)
      })),
    duplicates,
    ambiguous_emails: ambiguousEmails,
    partners: input.partners.map((p) => ({
      kind: p.kind, meta_id: p.metaId, name: p.name, permissions: p.permissions
    })),
    unreadable_assets: (input.unreadableAssets ?? []).map((a) => ({
      asset_type: a.assetType,
      asset_id: a.assetId,
      relation: a.relation,
      name: a.name,
      error_class: a.errorClass,
      error_code: a.errorCode,
      message: a.message,
      fix: unreadableFix(a)
    })),
    system_users: input.people.filter((p) => p.kind === 'system_user')
      .map((p) => ({ meta_id: p.metaId, name: p.name, role: p.role, assets: assetsOf(p.metaId) }))
  }
  return { ...report, counts: countsOf(report) }
}

/** What an admin does about an asset the token cannot read. */
function unreadableFix (a: UnreadableAsset): string {
  if (a.assetType === 'page' && a.errorClass === 'permission') {
    return 'grant the app and the system user\'s token the pages_manage_metadata permission, and the system user MANAGE on the page'
  }
  if (a.relation === 'client') return 'the partner that owns this asset must share it with the business again (or remove it from the rules)'
  return 'assign the asset to the bridge\'s system user in Business Settings and check the token\'s permissions (meta doctor)'
}

function countsOf (r: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries(r)) if (Array.isArray(v)) out[k] = v.length
  return out
}
