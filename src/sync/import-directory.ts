import {
  ASSET_TYPES, MetaApiError, type AssetType, type BusinessUser, type BusinessRoleRequest, type MetaClient,
  type PartnerBusiness
} from '../meta/index.js'
import { canonicalAssetId } from './asset-ids.js'
import type {
  DirectorySnapshot, MetaAsset, MetaAssignment, MetaPartner, MetaPerson, UnreadableAsset
} from './snapshot-types.js'

// Reads one business through the Meta client, in the order of the sync outline
// (docs/meta-graph-api.md §9): members, pending invites, system users, partners, assets, then who holds which tasks on
// each asset. Paging, retries and the rate-limit governor live in the client.

export type ImportPhase = 'members' | 'invites' | 'system_users' | 'partners' | 'assets' | 'assignments'

/** Called as each phase starts and with running counts, so a run can report progress. */
export type ImportProgress = (phase: ImportPhase, counts: Record<string, number>) => Promise<void>

/** Assignments per batched first page; a longer list is then read page by page (§1.5). */
export const ASSIGNED_FIRST_PAGE = 100

const time = (value: string | undefined): Date | null => {
  if (value === undefined) return null
  const t = Date.parse(value)
  return Number.isNaN(t) ? null : new Date(t)
}

function fromMember (u: BusinessUser): MetaPerson {
  const types = u.invited_user_type ?? []
  return {
    kind: 'member',
    metaId: u.id,
    email: u.email ?? null,
    name: u.name ?? null,
    role: u.role ?? null,
    tasks: u.tasks ?? [],
    financePermission: u.finance_permission ?? null,
    ipPermission: u.ip_permission ?? null,
    inviteStatus: null,
    invitedUserType: types,
    workAccount: types.includes('MWA'),
    markedForRemoval: u.marked_for_removal ?? false,
    invitedAt: null,
    expiresAt: null
  }
}

function fromInvite (r: BusinessRoleRequest): MetaPerson {
  const types = r.invited_user_type ?? []
  return {
    kind: 'invite',
    metaId: r.id,
    email: r.email ?? null,
    name: null,
    role: r.role ?? null,
    tasks: r.tasks ?? [],
    financePermission: r.finance_role ?? null,
    ipPermission: r.ip_role ?? null,
    inviteStatus: r.status ?? null,
    invitedUserType: types,
    workAccount: types.includes('MWA'),
    markedForRemoval: false,
    invitedAt: time(r.created_time),
    expiresAt: time(r.expiration_time)
  }
}

function fromPartner (kind: 'agency' | 'client', b: PartnerBusiness): MetaPartner {
  const { id, name, ...permissions } = b
  return { kind, metaId: id, name: name ?? null, permissions }
}

async function listAssignments (
  client: MetaClient, assets: readonly MetaAsset[], firstPage: number
): Promise<{ assignments: MetaAssignment[], unreadable: UnreadableAsset[] }> {
  const refs = assets.map((a) => ({ type: a.assetType, id: a.assetId }))
  const firstPages = await client.batch(
    refs.map((ref) => client.operations.getAssignedUsers(ref, { limit: firstPage }))
  )
  const out: MetaAssignment[] = []
  const unreadable: UnreadableAsset[] = []
  for (const [i, result] of firstPages.entries()) {
    const ref = refs[i] as { type: AssetType, id: string }
    let users
    try {
      if (!result.ok) throw result.error
      users = result.value.paging?.next === undefined ? result.value.data : await client.getAssignedUsers(ref)
    } catch (err) {
      const reason = unreadableReason(err)
      if (reason === null) throw err
      unreadable.push({ ...(assets[i] as MetaAsset), ...reason })
      continue
    }
    for (const u of users) {
      out.push({
        assetType: ref.type,
        assetId: canonicalAssetId(ref.type, ref.id),
        personId: u.id,
        userType: u.user_type ?? null,
        tasks: [...(u.tasks ?? [])].sort()
      })
    }
  }
  return { assignments: out, unreadable }
}

/**
 * One asset the token may not read must not fail the import: a missing permission (10, 200–299;
 * page reads need pages_manage_metadata) or Graph's 100/33, which also means "cannot be loaded
 * due to missing permissions" on an asset its business has just listed.
 */
function unreadableReason (err: unknown): Pick<UnreadableAsset, 'errorCode' | 'errorClass' | 'message'> | null {
  if (!(err instanceof MetaApiError)) return null
  if (err.errorClass !== 'permission' && err.errorClass !== 'not_found') return null
  return { errorCode: err.code, errorClass: err.errorClass, message: err.userMessage ?? err.message }
}

export async function importDirectory (
  client: MetaClient, progress: ImportProgress, now: () => Date, assignedFirstPage = ASSIGNED_FIRST_PAGE
): Promise<DirectorySnapshot> {
  const counts: Record<string, number> = {}
  await progress('members', counts)
  // `invited_user_type` is not a BusinessUser field in Meta's spec (docs/meta-graph-api.md §10):
  // a member is known as a Work Account from its invitation, or kept as such once matched.
  const people = (await client.listBusinessUsers()).map(fromMember)
  counts.members = people.length
  await progress('invites', counts)
  const invites = (await client.listPendingUsers()).map(fromInvite)
  people.push(...invites)
  counts.invites = invites.length
  await progress('system_users', counts)
  const systemUsers = await client.listSystemUsers()
  for (const s of systemUsers) {
    people.push({ ...fromMember({ id: s.id, name: s.name, finance_permission: s.finance_permission, ip_permission: s.ip_permission }), kind: 'system_user' })
  }
  counts.system_users = systemUsers.length
  await progress('partners', counts)
  const partners = [
    ...(await client.listAgencies()).map((b) => fromPartner('agency', b)),
    ...(await client.listClients()).map((b) => fromPartner('client', b))
  ]
  counts.agencies = partners.filter((p) => p.kind === 'agency').length
  counts.clients = partners.length - counts.agencies
  await progress('assets', counts)
  const assets: MetaAsset[] = []
  for (const assetType of ASSET_TYPES) {
    for (const relation of ['owned', 'client'] as const) {
      for (const node of await client.listAssets(assetType, { relation })) {
        assets.push({
          assetType,
          assetId: canonicalAssetId(assetType, node.id),
          relation,
          name: node.name ?? node.ig_username ?? null
        })
      }
    }
  }
  counts.assets = assets.length
  await progress('assignments', counts)
  const { assignments, unreadable } = await listAssignments(client, assets, assignedFirstPage)
  counts.assignments = assignments.length
  counts.unreadable_assets = unreadable.length
  await progress('assignments', counts)
  return {
    businessId: client.businessId, takenAt: now(), people, partners, assets, assignments, unreadableAssets: unreadable
  }
}
