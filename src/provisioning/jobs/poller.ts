import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { SecretBox } from '../../crypto/secret-box.js'
import type { DB } from '../../db/schema.js'
import type { BusinessRole, BusinessUser } from '../../meta/index.js'
import { effectiveDryRun, loadMetaCredentials } from '../../tenants/meta-settings.js'
import { writeAudit } from '../records/audit-repository.js'
import { MemberDirectory } from '../adapters/meta-people-listing.js'
import type { MetaClientFactory } from '../adapters/meta-clients.js'
import {
  emptyRecord, findPeople, peopleInState, savePerson, StaleRecordError, type PersonPatch, type PersonRecord
} from '../records/people-repository.js'
import { userIdsByEmail } from '../../directory/users-repository.js'
import type { ReconcileQueue } from './queue.js'

export interface PollDeps {
  db: Kysely<DB>
  box: SecretBox
  clients: MetaClientFactory
  queue: ReconcileQueue
  logger: Logger
}

export interface PollResult {
  accepted: number
  closed: number
  matched: number
}

/** Records one fact the poll learnt and asks for a reconcile, in one transaction. */
async function learn (
  deps: PollDeps, tenantId: string, person: PersonRecord, patch: PersonPatch, action: string, reason: string
): Promise<boolean> {
  try {
    await deps.db.transaction().execute(async (trx) => {
      await savePerson(trx, tenantId, person.userId, patch, person.version)
      await writeAudit(trx, { tenantId, actor: 'poll', userId: person.userId, email: person.email, action, reason, outcome: 'applied', detail: { ...patch } })
      await deps.queue.enqueueUsers(trx, tenantId, [person.userId], reason)
    })
    return true
  } catch (err) {
    // A reconcile wrote the record meanwhile; the next round sees the new state.
    if (err instanceof StaleRecordError) return false
    throw err
  }
}

const memberPatch = (m: BusinessUser): PersonPatch => ({ businessUserId: m.id, inviteId: null, role: (m.role ?? null) as BusinessRole | null, assets: [], state: 'member', lastError: null })

/**
 * One round of the acceptance poll for a tenant (meta-graph-api.md §8.1: acceptance is
 * a human action with no webhook, Q6). Invitations now listed as members become members and are
 * reconciled, which applies the asset tasks that waited (§8.2); invitations gone from both lists
 * were declined, expired or withdrawn. In Work Accounts mode, members are matched to SCIM users
 * by email and adopted.
 */
export async function pollTenant (deps: PollDeps, tenantId: string): Promise<PollResult> {
  const result: PollResult = { accepted: 0, closed: 0, matched: 0 }
  const settings = await loadMetaCredentials(deps.db, deps.box, tenantId)
  const client = effectiveDryRun(settings) || settings.connection.status === 'disconnected' ? null : deps.clients.forTenant(settings)
  if (client === null) return result
  const workAccounts = settings.identityMode === 'work_accounts'
  const invited = (await peopleInState(deps.db, tenantId, ['invited', 'failed', 'skipped'])).filter((p) => p.inviteId !== null && p.businessUserId === null)
  if (invited.length === 0 && !workAccounts) return result
  const readAt = Date.now()
  const members = await client.listBusinessUsers()
  const byEmail = new Map(members.map((m) => [(m.email ?? '').toLowerCase(), m]))
  const pending = invited.length === 0 ? undefined : await client.listPendingUsers()
  const pendingIds = new Set((pending ?? []).map((r) => r.id))
  // Both lists read: the reconciles' directory of this client need not read them again.
  if (pending !== undefined) MemberDirectory.of(client).absorb(pending, members, readAt)
  for (const person of invited) {
    const member = byEmail.get((person.email ?? '').toLowerCase())
    if (member !== undefined) {
      if (await learn(deps, tenantId, person, memberPatch(member), 'accepted', 'invitation accepted')) result.accepted++
    } else if (person.inviteId !== null && !pendingIds.has(person.inviteId)) {
      const patch: PersonPatch = { inviteId: null, role: null, state: 'none', lastError: 'the invitation was declined, expired or withdrawn' }
      if (await learn(deps, tenantId, person, patch, 'invite_closed', 'invitation no longer pending')) result.closed++
    }
  }
  if (workAccounts) result.matched = await matchWorkAccounts(deps, tenantId, members)
  return result
}

/** Work Accounts: members whose email is a SCIM user's, not yet linked, are adopted. */
async function matchWorkAccounts (deps: PollDeps, tenantId: string, members: readonly BusinessUser[]): Promise<number> {
  const withEmail = members.filter((m) => m.email !== undefined && m.email !== '')
  const users = await userIdsByEmail(deps.db, tenantId, withEmail.map((m) => m.email ?? ''))
  const records = await findPeople(deps.db, tenantId, [...users.values()])
  let matched = 0
  for (const member of withEmail) {
    const userId = users.get((member.email ?? '').toLowerCase())
    if (userId === undefined) continue
    const record = records.get(userId)
    if (record?.businessUserId === member.id) continue
    if (record !== undefined && record.businessUserId !== null) continue
    const person = record ?? { ...emptyRecord(tenantId, userId), email: member.email ?? null }
    if (await learn(deps, tenantId, person, { ...memberPatch(member), email: member.email ?? null }, 'matched', 'work account matched by email')) matched++
  }
  return matched
}
