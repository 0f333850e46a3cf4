import type { SimAssetType } from '../vocabulary.js'

// The simulator's world: businesses and what they hold (docs/meta-graph-api.md §6, §8).

export interface SimBusiness {
  id: string
  name: string
  parentId: string | null
  twoFactorType: string
  /** Apps claimed by this business (§2.1 note). */
  claimedAppIds: Set<string>
  /** Partner businesses: agencies have access to our assets, clients share theirs with us (§2.4). */
  agencyIds: Set<string>
  clientIds: Set<string>
  createdTime: number
}

export interface SimMember {
  id: string
  businessId: string
  /** App/global user id of the person, distinct from the business-scoped id (§1.7). */
  userId: string
  email: string
  firstName: string
  lastName: string
  role: string
  tasks: string[]
  title: string | null
  pendingEmail: string | null
  financePermission: string | null
  ipPermission: string | null
  twoFacStatus: string
  markedForRemoval: boolean
  invitedUserType: string[]
  isWorkAccount: boolean
  /** Hidden from business_users until then (acceptance timing, §8.1 [U]). */
  visibleFrom: number
}

export interface SimRoleRequest {
  id: string
  businessId: string
  email: string
  role: string
  tasks: string[]
  status: 'pending' | 'accepted' | 'declined' | 'expired' | 'canceled'
  invitedUserType: string[]
  createdTime: number
  updatedTime: number
  expirationTime: number
  /** Business user id the person gets on acceptance (what P2 may return, §2.1 [U]). */
  futureMemberId: string
  createdBy: string | null
}

export interface SimSystemUser {
  id: string
  businessId: string
  name: string
  role: string
  createdTime: number
}

export interface SimAsset {
  /** Graph id; ad accounts are `act_<n>` (§1.7). */
  id: string
  type: SimAssetType
  name: string
  ownerBusinessId: string
  /** Businesses the owner shared the asset with (its agencies). */
  sharedWith: Set<string>
  /** Listed, but every call on it fails as for an object the token may not load. */
  unreadable?: boolean
}

export interface SimApp {
  id: string
  secret: string | null
  /** "Require App Secret" (§7). */
  requireProof: boolean
}

export type TokenActor =
  | { kind: 'system_user', id: string }
  | { kind: 'member', id: string }

export interface SimToken {
  value: string
  appId: string
  businessId: string
  actor: TokenActor
  /** Actor's business role, which decides admin-only operations (§7). */
  role: string
  twoFactorVerified: boolean
  expiresAt: number | null
  /** Permissions (scopes) of this token; absent: the settings' default grant. */
  permissions?: string[]
  issuedAt?: number
}
