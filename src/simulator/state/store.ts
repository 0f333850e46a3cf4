import { randomBytes } from 'node:crypto'
import type {
  SimApp, SimAsset, SimBusiness, SimMember, SimRoleRequest, SimSystemUser, SimToken
} from './model.js'

export type SimNode =
  | { kind: 'business', value: SimBusiness }
  | { kind: 'member', value: SimMember }
  | { kind: 'role_request', value: SimRoleRequest }
  | { kind: 'system_user', value: SimSystemUser }
  | { kind: 'asset', value: SimAsset }

/**
 * A map that reports every change to its owner, so the store's indexes stay right whoever
 * writes to it (route handlers, seed helpers, tests deleting entries directly).
 */
class WatchedMap<V> extends Map<string, V> {
  constructor (private readonly watch: {
    set: (value: V, previous: V | undefined) => void, delete: (value: V) => void, clear: () => void
  }) {
    super()
  }

  override set (key: string, value: V): this {
    const previous = super.get(key)
    super.set(key, value)
    this.watch.set(value, previous)
    return this
  }

  override delete (key: string): boolean {
    const value = super.get(key)
    const deleted = super.delete(key)
    if (value !== undefined) this.watch.delete(value)
    return deleted
  }

  override clear (): void {
    super.clear()
    this.watch.clear()
  }
}

/** `pending_users` of one business without a filter, kept between calls while only appended to. */
interface ListedRequests {
  items: SimRoleRequest[]
  /** id → position in `items`, so a cursor finds its place without a scan. */
  positions: Map<string, number>
  showClosed: boolean
  /** The earliest expiration of a pending item: from then on the list must be rebuilt. */
  nextExpiry: number
}

function addTo<V> (index: Map<string, Map<string, V>>, key: string, id: string, value: V): void {
  let inner = index.get(key)
  if (inner === undefined) {
    inner = new Map()
    index.set(key, inner)
  }
  inner.set(id, value)
}

function removeFrom<V> (index: Map<string, Map<string, V>>, key: string, id: string): void {
  const inner = index.get(key)
  inner?.delete(id)
  if (inner?.size === 0) index.delete(key)
}

const emailKey = (businessId: string, email: string): string => `${businessId}\n${email.toLowerCase()}`

/**
 * In-memory state of every simulated business. Ids are numeric strings (§1.7). Members and
 * role requests are indexed by business (and requests by email), so a call costs what its
 * business holds, or what its page holds, not what every business ever held.
 */
export class SimStore {
  readonly businesses = new Map<string, SimBusiness>()
  readonly members: Map<string, SimMember> = new WatchedMap<SimMember>({
    set: (m, previous) => {
      if (previous !== undefined && previous.businessId !== m.businessId) {
        removeFrom(this.membersByBusiness, previous.businessId, previous.id)
      }
      addTo(this.membersByBusiness, m.businessId, m.id, m)
    },
    delete: (m) => { removeFrom(this.membersByBusiness, m.businessId, m.id) },
    clear: () => { this.membersByBusiness.clear() }
  })

  readonly roleRequests: Map<string, SimRoleRequest> = new WatchedMap<SimRoleRequest>({
    set: (r, previous) => {
      if (previous !== undefined && emailKey(previous.businessId, previous.email) !== emailKey(r.businessId, r.email)) {
        this.unindexRequest(previous)
      }
      addTo(this.requestsByBusiness, r.businessId, r.id, r)
      addTo(this.requestsByEmail, emailKey(r.businessId, r.email), r.id, r)
      const listed = this.listed.get(r.businessId)
      // A new pending invitation goes to the end of the cached listing; anything else rebuilds it.
      if (listed !== undefined && previous === undefined && r.status === 'pending') {
        listed.positions.set(r.id, listed.items.length)
        listed.items.push(r)
        listed.nextExpiry = Math.min(listed.nextExpiry, r.expirationTime)
      } else {
        this.listed.delete(r.businessId)
      }
    },
    delete: (r) => { this.unindexRequest(r) },
    clear: () => {
      this.requestsByBusiness.clear()
      this.requestsByEmail.clear()
      this.listed.clear()
    }
  })

  readonly systemUsers = new Map<string, SimSystemUser>()
  readonly assets = new Map<string, SimAsset>()
  readonly apps = new Map<string, SimApp>()
  readonly tokens = new Map<string, SimToken>()
  /** asset id → person id (member or system user) → tasks. */
  readonly assignments = new Map<string, Map<string, string[]>>()
  /** business id → timestamps of invites sent (for the daily cap). */
  readonly inviteLog = new Map<string, number[]>()
  private seq = 0
  private readonly membersByBusiness = new Map<string, Map<string, SimMember>>()
  private readonly requestsByBusiness = new Map<string, Map<string, SimRoleRequest>>()
  /** business id + lowercased email → role requests (an invitation's email never changes). */
  private readonly requestsByEmail = new Map<string, Map<string, SimRoleRequest>>()
  private readonly listed = new Map<string, ListedRequests>()

  private unindexRequest (r: SimRoleRequest): void {
    removeFrom(this.requestsByBusiness, r.businessId, r.id)
    removeFrom(this.requestsByEmail, emailKey(r.businessId, r.email), r.id)
    this.listed.delete(r.businessId)
  }

  nextId (): string {
    this.seq += 1
    return String(100_000_000_000_000 + this.seq)
  }

  newToken (): string {
    return `SIM${randomBytes(24).toString('base64url')}`
  }

  clear (): void {
    for (const m of [this.businesses, this.members, this.roleRequests, this.systemUsers,
      this.assets, this.apps, this.tokens, this.assignments, this.inviteLog]) m.clear()
  }

  node (id: string): SimNode | undefined {
    const business = this.businesses.get(id)
    if (business !== undefined) return { kind: 'business', value: business }
    const member = this.members.get(id)
    if (member !== undefined) return { kind: 'member', value: member }
    const request = this.roleRequests.get(id)
    if (request !== undefined) return { kind: 'role_request', value: request }
    const systemUser = this.systemUsers.get(id)
    if (systemUser !== undefined) return { kind: 'system_user', value: systemUser }
    const asset = this.assets.get(id)
    if (asset !== undefined) return { kind: 'asset', value: asset }
    return undefined
  }

  membersOf (businessId: string): SimMember[] {
    return [...(this.membersByBusiness.get(businessId)?.values() ?? [])]
  }

  /** Every role request of the business, whatever its status, oldest first. */
  requestsOf (businessId: string): SimRoleRequest[] {
    return [...(this.requestsByBusiness.get(businessId)?.values() ?? [])]
  }

  /** Role requests of the business for this email (any case), oldest first. */
  requestsByEmailOf (businessId: string, email: string): SimRoleRequest[] {
    return [...(this.requestsByEmail.get(emailKey(businessId, email))?.values() ?? [])]
  }

  /** A role request's status changed (accepted, closed, expired): the cached listing is stale. */
  requestChanged (r: SimRoleRequest): void {
    this.listed.delete(r.businessId)
  }

  /**
   * The business's role requests that `pending_users` lists, oldest first, with each one's
   * position. Rebuilt (one pass) after a status change, a deletion, an expiry or a change of
   * `showClosed`; a new invitation is appended, so paging while invitations pour in costs a
   * page, not the whole list.
   */
  listedRequests (
    businessId: string, now: number, showClosed: boolean, isListed: (r: SimRoleRequest) => boolean
  ): { items: readonly SimRoleRequest[], indexOf: (id: string) => number } {
    let listed = this.listed.get(businessId)
    if (listed === undefined || listed.showClosed !== showClosed || now >= listed.nextExpiry) {
      const items: SimRoleRequest[] = []
      const positions = new Map<string, number>()
      let nextExpiry = Number.POSITIVE_INFINITY
      for (const r of this.requestsByBusiness.get(businessId)?.values() ?? []) {
        if (!isListed(r)) continue
        positions.set(r.id, items.length)
        items.push(r)
        if (r.status === 'pending') nextExpiry = Math.min(nextExpiry, r.expirationTime)
      }
      listed = { items, positions, showClosed, nextExpiry }
      this.listed.set(businessId, listed)
    }
    const { positions } = listed
    return { items: listed.items, indexOf: (id) => positions.get(id) ?? -1 }
  }

  systemUsersOf (businessId: string): SimSystemUser[] {
    return [...this.systemUsers.values()].filter(s => s.businessId === businessId)
  }

  memberByEmail (businessId: string, email: string): SimMember | undefined {
    const e = email.toLowerCase()
    // Members' emails can change (P4 with skip_verification_email), so they are matched, not indexed.
    for (const m of this.membersByBusiness.get(businessId)?.values() ?? []) if (m.email.toLowerCase() === e) return m
    return undefined
  }

  assignmentsOf (assetId: string): Map<string, string[]> {
    let map = this.assignments.get(assetId)
    if (map === undefined) {
      map = new Map()
      this.assignments.set(assetId, map)
    }
    return map
  }

  /** Drops every assignment of a person (cascade on removal, §8.2 [U]). */
  dropAssignmentsOf (personId: string): void {
    for (const map of this.assignments.values()) map.delete(personId)
  }

  /** The business that owns a node, for authorization. */
  ownerOf (node: SimNode): string {
    switch (node.kind) {
      case 'business': return node.value.id
      case 'asset': return node.value.ownerBusinessId
      default: return node.value.businessId
    }
  }
}
