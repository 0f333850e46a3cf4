import { personKey, type MatchedPerson, type MetaPerson, type ScimIdentity } from './snapshot-types.js'
import { invitationIsOpen } from '../meta/index.js'

// Ties Meta people to SCIM users by email, case-insensitively. Nothing stored from an
// earlier sync is used: a person whose business-scoped id changed (a business moving to Work
// Accounts, reference §10) matches again by email on the next run.

const EMAIL = /^[^@\s]+@[^@\s]+$/

export const normalizeEmail = (email: string): string => email.trim().toLowerCase()

/**
 * A user's match keys with their strength: the primary email (0), other emails (1), userName
 * when it is an email (2). Emails come primary first (RFC 7643 §4.1.2 `primary`).
 */
export function matchKeys (user: ScimIdentity): Map<string, number> {
  const keys = new Map<string, number>()
  const add = (value: string, rank: number): void => {
    const key = normalizeEmail(value)
    if (!EMAIL.test(key)) return
    const known = keys.get(key)
    if (known === undefined || rank < known) keys.set(key, rank)
  }
  user.emails.forEach((email, i) => add(email, i === 0 ? 0 : 1))
  add(user.userName, 2)
  return keys
}

export interface MatchOutcome {
  people: MatchedPerson[]
  /** Emails two SCIM users claim equally strongly: nobody is matched on them. */
  ambiguousEmails: string[]
}

function buildIndex (users: readonly ScimIdentity[]): {
  resolve: (email: string) => string | undefined, ambiguous: Set<string>
} {
  const index = new Map<string, Array<{ userId: string, rank: number }>>()
  for (const user of users) {
    for (const [email, rank] of matchKeys(user)) {
      const list = index.get(email) ?? []
      list.push({ userId: user.id, rank })
      index.set(email, list)
    }
  }
  const ambiguous = new Set<string>()
  const resolve = (email: string): string | undefined => {
    const list = index.get(email)
    if (list === undefined) return undefined
    const best = Math.min(...list.map((c) => c.rank))
    const top = list.filter((c) => c.rank === best)
    if (top.length > 1) {
      ambiguous.add(email)
      return undefined
    }
    return top[0]?.userId
  }
  return { resolve, ambiguous }
}

/**
 * Which Meta identity stands for a user when several match: a member before an invite, a Work
 * Account before a personal profile (the business is moving to managed accounts, §10), a
 * pending invite before a closed one, then by id so the choice is stable.
 */
function preference (p: MetaPerson): string {
  const kind = p.kind === 'member' ? '0' : '1'
  const work = p.workAccount ? '0' : '1'
  const pending = invitationIsOpen(p.inviteStatus) ? '0' : '1'
  return `${kind}${work}${pending}:${p.metaId}`
}

export function matchPeople (users: readonly ScimIdentity[], people: readonly MetaPerson[]): MatchOutcome {
  const { resolve, ambiguous } = buildIndex(users)
  const matched: MatchedPerson[] = people.map((p) => ({
    ...p,
    matchedUserId: p.kind !== 'system_user' && p.email !== null ? (resolve(normalizeEmail(p.email)) ?? null) : null,
    primaryMatch: false
  }))
  const byUser = new Map<string, MatchedPerson[]>()
  for (const p of matched) {
    if (p.matchedUserId === null) continue
    const list = byUser.get(p.matchedUserId) ?? []
    list.push(p)
    byUser.set(p.matchedUserId, list)
  }
  for (const list of byUser.values()) {
    list.sort((a, b) => preference(a).localeCompare(preference(b)))
    const first = list[0]
    if (first !== undefined) first.primaryMatch = true
  }
  return { people: matched, ambiguousEmails: [...ambiguous].sort() }
}

/** The primary Meta identity of each matched user. */
export function primaryByUser (people: readonly MatchedPerson[]): Map<string, MatchedPerson> {
  const out = new Map<string, MatchedPerson>()
  for (const p of people) if (p.primaryMatch && p.matchedUserId !== null) out.set(p.matchedUserId, p)
  return out
}

export { personKey }
