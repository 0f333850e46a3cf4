import { invitationIsOpen, type AssetType } from '../meta/index.js'
import type { PersonKind } from './tables.js'

// What one sync read from a Meta business (reference §9), in memory, before it is stored as
// the tenant's directory snapshot.

export interface MetaPerson {
  kind: PersonKind
  /** Business-scoped user id (member), role request id (invite) or system user id (§1.7). */
  metaId: string
  email: string | null
  name: string | null
  /** Members: base role only; finance and ads-rights roles surface separately (§3.1). */
  role: string | null
  tasks: string[]
  financePermission: string | null
  ipPermission: string | null
  /** Invites only: PENDING, EXPIRED, DECLINED… (spellings [U] §3.1). */
  inviteStatus: string | null
  invitedUserType: string[]
  /** A managed Meta account (§10): invited or listed with invited_user_type MWA. */
  workAccount: boolean
  markedForRemoval: boolean
  invitedAt: Date | null
  expiresAt: Date | null
}

export interface MetaPartner {
  kind: 'agency' | 'client'
  metaId: string
  name: string | null
  /** §2.4: adaccount/page/productcatalog/application permissions as Meta lists them. */
  permissions: Record<string, unknown>
}

export interface MetaAsset {
  assetType: AssetType
  assetId: string
  relation: 'owned' | 'client'
  name: string | null
}

export interface MetaAssignment {
  assetType: AssetType
  assetId: string
  personId: string
  userType: string | null
  tasks: string[]
}

/**
 * An asset the business lists but whose assignments the token could not read (no permission,
 * a partner's asset it lost access to): who holds what on it is unknown, not empty.
 */
export interface UnreadableAsset extends MetaAsset {
  errorCode: number | null
  errorClass: string
  message: string
}

export interface DirectorySnapshot {
  businessId: string
  takenAt: Date
  people: MetaPerson[]
  partners: MetaPartner[]
  assets: MetaAsset[]
  assignments: MetaAssignment[]
  unreadableAssets: UnreadableAsset[]
}

/** A person of the snapshot with the SCIM user the matching tied them to. */
export interface MatchedPerson extends MetaPerson {
  matchedUserId: string | null
  /** false for a second Meta identity of the same SCIM user. */
  primaryMatch: boolean
}

/** The SCIM side of matching: a user's emails, primary first (RFC 7643 §4.1.2). */
export interface ScimIdentity {
  id: string
  userName: string
  active: boolean
  emails: string[]
}

export const personKey = (p: { kind: PersonKind, metaId: string }): string => `${p.kind}:${p.metaId}`

/** Invitations that still hold a seat: open unless the status clearly says closed (invitation-status.ts). */
export function isPendingInvite (p: MetaPerson): boolean {
  return p.kind === 'invite' && invitationIsOpen(p.inviteStatus)
}
