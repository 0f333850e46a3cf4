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

/** In-memory state of every simulated business. Ids are numeric strings (§1.7). */
export class SimStore {
  readonly businesses = new Map<string, SimBusiness>()
  readonly members = new Map<string, SimMember>()
  readonly roleRequests = new Map<string, SimRoleRequest>()
  readonly systemUsers = new Map<string, SimSystemUser>()
  readonly assets = new Map<string, SimAsset>()
  readonly apps = new Map<string, SimApp>()
  readonly tokens = new Map<string, SimToken>()
  /** asset id → person id (member or system user) → tasks. */
  readonly assignments = new Map<string, Map<string, string[]>>()
  /** business id → timestamps of invites sent (for the daily cap). */
  readonly inviteLog = new Map<string, number[]>()
  private seq = 0

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
    return [...this.members.values()].filter(m => m.businessId === businessId)
  }

  requestsOf (businessId: string): SimRoleRequest[] {
    return [...this.roleRequests.values()].filter(r => r.businessId === businessId)
  }

  systemUsersOf (businessId: string): SimSystemUser[] {
    return [...this.systemUsers.values()].filter(s => s.businessId === businessId)
  }

  memberByEmail (businessId: string, email: string): SimMember | undefined {
    const e = email.toLowerCase()
    return this.membersOf(businessId).find(m => m.email.toLowerCase() === e)
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
