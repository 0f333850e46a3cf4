import type { BusinessRole, BusinessUser, MetaClient } from '../meta/index.js'

/** Where an email stands in the business (meta-graph-api.md §2.1 P1 members, P6 invites). */
export type Found =
  | { kind: 'member', businessUserId: string, role: BusinessRole | null }
  | { kind: 'invited', inviteId: string, role: BusinessRole | null }
  | { kind: 'absent' }

/**
 * The business's members by lowercased email, read once per batch of jobs and per tenant:
 * P1 has no email filter (§2.1), so one listing serves every lookup of the batch.
 */
export class MemberDirectory {
  private members: Promise<Map<string, BusinessUser>> | undefined

  constructor (private readonly client: MetaClient) {}

  async get (email: string, fresh = false): Promise<BusinessUser | undefined> {
    if (fresh || this.members === undefined) {
      this.members = this.client.listBusinessUsers().then((list) => new Map(list.map((m) => [(m.email ?? '').toLowerCase(), m])))
      // A failed listing must not stay cached for the rest of the batch.
      this.members.catch(() => { this.members = undefined })
    }
    return (await this.members).get(email.toLowerCase())
  }
}

/** Status spellings are [U] (§3.1): anything that does not say otherwise is pending. */
function isPending (status: string | undefined): boolean {
  return status === undefined || /pending/i.test(status)
}

/**
 * DESIGN.md "Provisioning rules": before inviting, look the email up among pending invites and
 * members and adopt what exists, so there is never a second invitation.
 */
export async function lookupByEmail (client: MetaClient, members: MemberDirectory, email: string, fresh = false): Promise<Found> {
  const pending = (await client.listPendingUsers({ email }))
    .find((r) => (r.email ?? email).toLowerCase() === email.toLowerCase() && isPending(r.status))
  if (pending !== undefined) return { kind: 'invited', inviteId: pending.id, role: pending.role ?? null }
  const member = await members.get(email, fresh)
  if (member !== undefined) return { kind: 'member', businessUserId: member.id, role: member.role ?? null }
  return { kind: 'absent' }
}
