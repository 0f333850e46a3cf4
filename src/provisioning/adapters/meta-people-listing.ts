import {
  invitationIsOpen, isMetaApiError, type BusinessRole, type BusinessRoleRequest, type BusinessUser, type MetaClient
} from '../../meta/index.js'

/** Where an email stands in the business (meta-graph-api.md §2.1 P1 members, P6 invites). */
export type Found =
  | { kind: 'member', businessUserId: string, role: BusinessRole | null }
  | { kind: 'invited', inviteId: string, role: BusinessRole | null }
  | { kind: 'absent' }

type Present = Exclude<Found, { kind: 'absent' }>

/**
 * - `listing`: the directory's listing; what it shows present is confirmed first (below).
 * - `invitation`: an invitation of ours got no answer and may have landed: P6 by email, then
 *   the listing for members (no answer cannot have made anyone a member).
 * - `fresh`: Meta refused an invitation: P6 by email, and the members read again.
 */
export type LookupMode = 'listing' | 'invitation' | 'fresh'

interface Entry {
  id: string
  role: BusinessRole | null
}

/** One listing of the business's people, by lowercased email, with reverse maps for our own changes. */
interface Listing {
  pending: Map<string, Entry>
  members: Map<string, Entry>
  pendingEmailOf: Map<string, string>
  memberEmailOf: Map<string, string>
  /** When the reading started: nothing older than this is missing from it. */
  readAt: number
  /** Entries read, which sets how long the listing is kept (reading it again costs a page per 25). */
  size: number
}

export interface MemberDirectoryOptions {
  /** A listing is used for at least this long before it is read again… */
  minAgeMs?: number
  /** …and this long per entry it holds, so a big business is not re-read every minute. */
  ageMsPerEntry?: number
  now?: () => number
}

const DEFAULT_OPTIONS = { minAgeMs: 60_000, ageMsPerEntry: 40 }

/** Status spellings are undocumented: open unless it clearly says closed (invitation-status.ts). */
const isPending = (status: string | undefined): boolean => invitationIsOpen(status)

const key = (email: string): string => email.toLowerCase()

/**
 * A role as Meta reported it. Read leniently (docs/meta-graph-api.md §3.2): a value outside our
 * enum is kept as given, so it is compared, recorded and shown rather than failing the lookup.
 */
export const readRole = (role: string | undefined): BusinessRole | null => (role ?? null) as BusinessRole | null

function emptyListing (readAt: number): Listing {
  return {
    pending: new Map(), members: new Map(), pendingEmailOf: new Map(), memberEmailOf: new Map(), readAt, size: 0
  }
}

function setEntry (listing: Listing, kind: 'pending' | 'member', email: string, entry: Entry): void {
  const [byEmail, emailOf] = kind === 'pending' ? [listing.pending, listing.pendingEmailOf] : [listing.members, listing.memberEmailOf]
  const previous = byEmail.get(email)
  if (previous !== undefined) emailOf.delete(previous.id)
  byEmail.set(email, entry)
  emailOf.set(entry.id, email)
}

function dropEntry (listing: Listing, kind: 'pending' | 'member', email: string): void {
  const [byEmail, emailOf] = kind === 'pending' ? [listing.pending, listing.pendingEmailOf] : [listing.members, listing.memberEmailOf]
  const previous = byEmail.get(email)
  if (previous !== undefined) emailOf.delete(previous.id)
  byEmail.delete(email)
}

function setMembers (listing: Listing, members: readonly BusinessUser[]): void {
  listing.members.clear()
  listing.memberEmailOf.clear()
  for (const m of members) {
    if (m.email === undefined || m.email === '') continue
    // The first one listed wins, as a lookup by email would find it.
    if (!listing.members.has(key(m.email))) setEntry(listing, 'member', key(m.email), { id: m.id, role: readRole(m.role) })
  }
}

function listingOf (
  pending: readonly BusinessRoleRequest[], members: readonly BusinessUser[], readAt: number
): Listing {
  const listing = emptyListing(readAt)
  for (const r of pending) {
    if (r.email === undefined || r.email === '' || !isPending(r.status) || listing.pending.has(key(r.email))) continue
    setEntry(listing, 'pending', key(r.email), { id: r.id, role: readRole(r.role) })
  }
  setMembers(listing, members)
  listing.size = pending.length + members.length
  return listing
}

/**
 * Where each email stands in the business: its members (P1) and pending invitations (P6), read
 * by listing (P1 has no email filter, §2.1) and kept per tenant client across job batches, so a
 * batch of new people costs their invitations plus the odd listing page, not a lookup each
 * (bench/findings.md §5; a listing per batch would cost a page per 25 invitations already sent).
 *
 * - Absent in the listing is trusted: the person is invited. If someone else invited or added
 *   them since the listing was read, Meta's answer says so: the existing invitation's id (the
 *   simulator's default, §4.2 [U]), or a refusal, after which the email is looked up afresh and
 *   adopted (step-runner.ts). Only a Meta that silently created a second invitation would let
 *   one through, within the listing's age (and across replicas: each keeps its own listing).
 * - Present in the listing is confirmed with one call before it is adopted (P6 by email, P3 by
 *   id), unless this very lookup read the listing: it may have been accepted, cancelled or
 *   removed since.
 * - The bridge's own invitations, cancellations and removals are noted as they happen.
 * - A listing is read again once older than max(minAgeMs, ageMsPerEntry × entries).
 */
export class MemberDirectory {
  private static readonly byClient = new WeakMap<MetaClient, MemberDirectory>()

  /** The directory of a tenant's client (one client per tenant and credentials, meta-clients.ts). */
  static of (client: MetaClient): MemberDirectory {
    let directory = MemberDirectory.byClient.get(client)
    if (directory === undefined) {
      directory = new MemberDirectory(client)
      MemberDirectory.byClient.set(client, directory)
    }
    return directory
  }

  private reading: Promise<Listing> | undefined
  private latest: Listing | undefined
  /** Set once P6 showed that the id P2 returns is the invitation's (§2.1 note: [U]). */
  private inviteIdIsRequestId = false
  private readonly options: Required<MemberDirectoryOptions>

  constructor (private readonly client: MetaClient, options: MemberDirectoryOptions = {}) {
    this.options = { ...DEFAULT_OPTIONS, now: Date.now, ...options }
  }

  private now (): number {
    return this.options.now()
  }

  private maxAge (listing: Listing): number {
    return Math.max(this.options.minAgeMs, this.options.ageMsPerEntry * listing.size)
  }

  /** Reads the listing; concurrent lookups share one reading, and a failed one is not kept. */
  private read (): Promise<Listing> {
    const readAt = this.now()
    const reading = (async () => {
      const pending = await this.client.listPendingUsers()
      const members = await this.client.listBusinessUsers()
      return listingOf(pending, members, readAt)
    })()
    this.reading = reading
    reading.then(
      (listing) => { if (this.reading === reading) this.latest = listing },
      () => { if (this.reading === reading) this.reading = undefined }
    )
    return reading
  }

  private async listing (): Promise<Listing> {
    const held = this.reading
    if (held === undefined) return await this.read()
    const listing = await held
    if (this.now() - listing.readAt <= this.maxAge(listing)) return listing
    // Too old: read again, unless another lookup already started to.
    return this.reading === held ? await this.read() : await this.listing()
  }

  /**
   * Where the email stands, before inviting (docs/architecture.md "Provisioning rules": adopt what exists,
   * never invite twice); see `LookupMode`.
   */
  async find (email: string, mode: LookupMode = 'listing'): Promise<Found> {
    if (mode === 'fresh') return await this.findFresh(email)
    const started = this.now()
    const listing = await this.listing()
    const trusted = listing.readAt >= started
    const k = key(email)
    const invite = listing.pending.get(k)
    if (mode === 'invitation' || invite !== undefined) {
      if (trusted && invite !== undefined) return { kind: 'invited', inviteId: invite.id, role: invite.role }
      const found = await this.pendingOf(email)
      if (found !== undefined) return found
    }
    const member = listing.members.get(k)
    if (member !== undefined) {
      if (trusted) return { kind: 'member', businessUserId: member.id, role: member.role }
      const found = await this.confirmMember(k, member)
      if (found !== undefined) return found
    }
    return { kind: 'absent' }
  }

  private async findFresh (email: string): Promise<Found> {
    const invited = await this.pendingOf(email)
    if (invited !== undefined) return invited
    const members = await this.client.listBusinessUsers()
    if (this.latest !== undefined) setMembers(this.latest, members)
    const member = members.find((m) => key(m.email ?? '') === key(email))
    return member === undefined ? { kind: 'absent' } : { kind: 'member', businessUserId: member.id, role: readRole(member.role) }
  }

  /** P6 by email; what it says replaces what the listing said. */
  private async pendingOf (email: string): Promise<Present | undefined> {
    const k = key(email)
    const request = (await this.client.listPendingUsers({ email }))
      .find((r) => key(r.email ?? email) === k && isPending(r.status))
    if (request === undefined) {
      if (this.latest !== undefined) dropEntry(this.latest, 'pending', k)
      return undefined
    }
    const role = readRole(request.role)
    if (this.latest !== undefined) setEntry(this.latest, 'pending', k, { id: request.id, role })
    return { kind: 'invited', inviteId: request.id, role }
  }

  /** P3: is the member the listing showed still there, with this email? */
  private async confirmMember (k: string, entry: Entry): Promise<Present | undefined> {
    let member: BusinessUser
    try {
      member = await this.client.getBusinessUser(entry.id)
    } catch (err) {
      if (!isMetaApiError(err) || err.errorClass !== 'not_found') throw err
      if (this.latest !== undefined) dropEntry(this.latest, 'member', k)
      return undefined
    }
    if (member.email !== undefined && key(member.email) !== k) {
      if (this.latest !== undefined) dropEntry(this.latest, 'member', k)
      return undefined
    }
    return { kind: 'member', businessUserId: member.id, role: readRole(member.role) ?? entry.role }
  }

  /**
   * After P2 accepted an invitation: what its id names is [U] (§2.1), so it is resolved through
   * P6 by email until one answer showed it is the invitation's id; from then on, no call.
   */
  async invited (email: string, returnedId: string, role: BusinessRole): Promise<Present> {
    const k = key(email)
    if (!this.inviteIdIsRequestId) {
      const found = await this.pendingOf(email)
      if (found !== undefined) {
        if (found.kind === 'invited' && found.inviteId === returnedId) this.inviteIdIsRequestId = true
        return found
      }
      const member = this.latest?.members.get(k)
      const confirmed = member === undefined ? undefined : await this.confirmMember(k, member)
      if (confirmed !== undefined) return confirmed
    }
    if (this.latest !== undefined) setEntry(this.latest, 'pending', k, { id: returnedId, role })
    return { kind: 'invited', inviteId: returnedId, role }
  }

  /** The bridge cancelled this invitation (P9). */
  forgetInvite (inviteId: string): void {
    const email = this.latest?.pendingEmailOf.get(inviteId)
    if (this.latest !== undefined && email !== undefined) dropEntry(this.latest, 'pending', email)
  }

  /** The bridge removed this member (P5). */
  forgetMember (businessUserId: string): void {
    const email = this.latest?.memberEmailOf.get(businessUserId)
    if (this.latest !== undefined && email !== undefined) dropEntry(this.latest, 'member', email)
  }

  /** A listing read elsewhere (the acceptance poll reads both), `readAt` when its reading began. */
  absorb (pending: readonly BusinessRoleRequest[], members: readonly BusinessUser[], readAt: number): void {
    if (this.latest !== undefined && this.latest.readAt > readAt) return
    const listing = listingOf(pending, members, readAt)
    this.latest = listing
    this.reading = Promise.resolve(listing)
  }
}

/**
 * docs/architecture.md "Provisioning rules": before inviting, look the email up among pending invites and
 * members and adopt what exists, so there is never a second invitation.
 */
export async function lookupByEmail (directory: MemberDirectory, email: string, mode: LookupMode = 'listing'): Promise<Found> {
  return await directory.find(email, mode)
}
