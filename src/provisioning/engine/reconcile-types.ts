import type { AssetType, BusinessRole, InvitedUserType } from '../../meta/index.js'
import type { PersonState } from '../records/tables.js'

// The provisioning engine's vocabulary (docs/architecture.md "Provisioning rules"): what the IdP entitles a
// person to (desired), what the bridge knows of them on Meta's side (observed), and the steps
// between the two (meta-graph-api.md §8 lifecycles).

export type IdentityMode = 'facebook_profiles' | 'work_accounts'

/** A person's tasks on one asset (§2.3, §3.2); ad account ids are spelled `act_<n>` (§1.7). */
export interface AssetAccess {
  assetType: AssetType
  assetId: string
  /** Sorted, without duplicates. */
  tasks: string[]
  /**
   * Observed side only: reported tasks beyond the desired ones that the bridge already tried to
   * take away by setting exactly the desired tasks. When Meta keeps reporting them, they are
   * Meta's own unpacking (or Meta merges rather than replaces): the plan does not send the same
   * narrowing again, so an unknown expansion costs one call, never a loop (task-coverage.ts).
   */
  narrowed?: string[]
}

/** What the IdP entitles a user to; `role` null means no access at all. */
export interface DesiredAccess {
  role: BusinessRole | null
  /** Sorted by asset type, then id. */
  assets: AssetAccess[]
}

/** What the bridge knows of the person in Meta (its `meta_people` record). */
export interface ObservedAccess {
  /** Pending invitation (business role request, §8.1) id. */
  inviteId: string | null
  /** Business-scoped user id once the invitation was accepted (§1.7). */
  businessUserId: string | null
  role: BusinessRole | null
  /** Tasks the bridge applied per asset (members only: nothing can be assigned to an invite, §8.2). */
  assets: AssetAccess[]
  state: PersonState
}

export type Presence = 'absent' | 'invited' | 'member'

/** Where the person stands, from the ids alone: the state column describes the last outcome. */
export function presenceOf (observed: Pick<ObservedAccess, 'inviteId' | 'businessUserId'>): Presence {
  if (observed.businessUserId !== null) return 'member'
  if (observed.inviteId !== null) return 'invited'
  return 'absent'
}

export type SkippedAction = 'invite' | 'cancel_invite' | 'remove'

/** One change on Meta's side, in the order the plan lists them. */
export type Step =
  | { kind: 'invite', email: string, role: BusinessRole, inviteType: InvitedUserType }
  | { kind: 'change_invite_role', inviteId: string, from: BusinessRole | null, to: BusinessRole }
  | { kind: 'cancel_invite', inviteId: string }
  | { kind: 'change_role', businessUserId: string, from: BusinessRole | null, to: BusinessRole }
  | { kind: 'assign', businessUserId: string, asset: AssetAccess, previous: string[] | null }
  | { kind: 'unassign', businessUserId: string, assetType: AssetType, assetId: string }
  | { kind: 'remove', businessUserId: string }
  /** Work Accounts mode: the IdP ↔ Meta connection owns this step (docs/identity-modes.md). */
  | { kind: 'skip', action: SkippedAction, reason: string }
  /**
   * A change Meta's API cannot make: pixel access cannot be un-assigned (Meta's ads-pixel
   * assigned_users reference: "Deleting: You can't perform this operation on this endpoint").
   * Nothing is sent; the person's record shows it until a read shows it done by hand.
   */
  | { kind: 'manual', action: 'unassign', businessUserId: string, assetType: AssetType, assetId: string, instruction: string }
  /** Cannot be done until the IdP sends more (e.g. no email address): recorded as failed. */
  | { kind: 'blocked', action: 'invite', reason: string }

export interface Plan {
  steps: Step[]
  /** Asset tasks that wait for the invitation to be accepted (§8.2). */
  waitingAssets: AssetAccess[]
}

/** A manual step as the person's record keeps it (meta_people.manual_steps). */
export interface ManualStep {
  action: 'unassign'
  assetType: AssetType
  assetId: string
  instruction: string
}

export const PIXEL_REMOVAL_INSTRUCTION = 'remove in Business Settings: Meta\'s API cannot take pixel access away'

export function emptyObserved (): ObservedAccess {
  return { inviteId: null, businessUserId: null, role: null, assets: [], state: 'none' }
}
