import type { InvitedUserType } from '../../meta/index.js'
import {
  PIXEL_REMOVAL_INSTRUCTION, presenceOf, type ManualStep, type AssetAccess, type DesiredAccess, type IdentityMode, type
  ObservedAccess, type Plan, type Step
} from './reconcile-types.js'
import { taskGap } from './task-coverage.js'

// The plan: a pure diff of desired and observed access in one identity mode (docs/architecture.md
// "Provisioning rules", meta-graph-api.md §8.1 person lifecycle, §8.2 asset assignment).
// Level-triggered: running it again on the state its steps produce yields nothing more to do.

export interface PlanInput {
  desired: DesiredAccess
  observed: ObservedAccess
  mode: IdentityMode
  /** The address to invite; null when the IdP sent none. */
  email: string | null
  inviteType: InvitedUserType
  /** work_accounts: invite managed accounts (MWA) rather than wait for the IdP's connector. */
  workAccountsInvite?: boolean
}

const WORK_ACCOUNTS_INVITE = 'work_accounts: the IdP ↔ Meta connection provisions the account; the bridge manages its role and assets once it is a member'
const WORK_ACCOUNTS_REMOVE = 'work_accounts: the IdP ↔ Meta connection deprovisions the account; the bridge does not remove people'

const assetKey = (a: { assetType: string, assetId: string }): string => `${a.assetType}:${a.assetId}`

/**
 * Whether the observed tasks need a POST of the desired ones (task-coverage.ts): a desired task
 * is missing, or a task is reported that is neither desired nor unpacked from a desired task,
 * unless a POST of exactly the desired tasks was already answered by Meta keeping it.
 */
export function needsGrant (desired: AssetAccess, observed: AssetAccess): boolean {
  const gap = taskGap(desired.assetType, desired.tasks, observed.tasks)
  if (gap.missing.length > 0) return true
  const tried = new Set(observed.narrowed ?? [])
  return gap.extra.some((t) => !tried.has(t))
}

/**
 * §8.2: grant what is missing or narrow what is too wide (POST sets a person's tasks on an
 * asset), remove what is no longer granted. Pixels cannot be un-assigned through the API: the
 * plan names the manual step instead.
 */
export function assetSteps (
  businessUserId: string, desired: readonly AssetAccess[], observed: readonly AssetAccess[]
): Step[] {
  const have = new Map(observed.map((a) => [assetKey(a), a]))
  const want = new Set(desired.map(assetKey))
  const steps: Step[] = []
  for (const asset of desired) {
    const current = have.get(assetKey(asset))
    if (current === undefined || needsGrant(asset, current)) {
      steps.push({ kind: 'assign', businessUserId, asset, previous: current === undefined ? null : [...current.tasks] })
    }
  }
  for (const asset of observed) {
    if (want.has(assetKey(asset))) continue
    const place = { businessUserId, assetType: asset.assetType, assetId: asset.assetId }
    steps.push(asset.assetType === 'pixel'
      ? { kind: 'manual', action: 'unassign', ...place, instruction: PIXEL_REMOVAL_INSTRUCTION }
      : { kind: 'unassign', ...place })
  }
  return steps
}

function planNoAccess (observed: ObservedAccess, mode: IdentityMode): Plan {
  const presence = presenceOf(observed)
  const workAccounts = mode === 'work_accounts'
  if (presence === 'member' && observed.businessUserId !== null) {
    // Removing a member drops their assignments with them (§8.2); in Work Accounts mode the
    // person stays, so the bridge takes back the assets it manages.
    if (!workAccounts) return { steps: [{ kind: 'remove', businessUserId: observed.businessUserId }], waitingAssets: [] }
    return {
      steps: [...assetSteps(observed.businessUserId, [], observed.assets), { kind: 'skip', action: 'remove', reason: WORK_ACCOUNTS_REMOVE }],
      waitingAssets: []
    }
  }
  if (presence === 'invited' && observed.inviteId !== null) {
    const step: Step = workAccounts
      ? { kind: 'skip', action: 'cancel_invite', reason: WORK_ACCOUNTS_REMOVE }
      : { kind: 'cancel_invite', inviteId: observed.inviteId }
    return { steps: [step], waitingAssets: [] }
  }
  // Nobody on Meta's side as far as the bridge knows; a person whose invitation the bridge
  // skipped is the IdP connection's to deprovision, and the record says so.
  if (workAccounts && observed.state === 'skipped') {
    return { steps: [{ kind: 'skip', action: 'remove', reason: WORK_ACCOUNTS_REMOVE }], waitingAssets: [] }
  }
  return { steps: [], waitingAssets: [] }
}

/** The steps from `observed` to `desired` (pure; see the table tests). */
export function plan (input: PlanInput): Plan {
  const { desired, observed, mode } = input
  if (desired.role === null) return planNoAccess(observed, mode)
  const role = desired.role
  const presence = presenceOf(observed)
  if (presence === 'member' && observed.businessUserId !== null) {
    const id = observed.businessUserId
    const steps: Step[] = observed.role === role ? [] : [{ kind: 'change_role', businessUserId: id, from: observed.role, to: role }]
    return { steps: [...steps, ...assetSteps(id, desired.assets, observed.assets)], waitingAssets: [] }
  }
  if (presence === 'invited' && observed.inviteId !== null) {
    const steps: Step[] = observed.role === role ? [] : [{ kind: 'change_invite_role', inviteId: observed.inviteId, from: observed.role, to: role }]
    return { steps, waitingAssets: desired.assets }
  }
  if (mode === 'work_accounts' && input.workAccountsInvite !== true) {
    return { steps: [{ kind: 'skip', action: 'invite', reason: WORK_ACCOUNTS_INVITE }], waitingAssets: desired.assets }
  }
  if (input.email === null) return { steps: [{ kind: 'blocked', action: 'invite', reason: 'the user has no email address to invite' }], waitingAssets: desired.assets }
  // Meta documents MWA as the way to invite "a user with their Meta account managed by their organization".
  const inviteType = mode === 'work_accounts' ? 'MWA' : input.inviteType
  return { steps: [{ kind: 'invite', email: input.email, role, inviteType }], waitingAssets: desired.assets }
}

/**
 * Steps that take access away: what a removal brake may hold instead of executing.
 * Demoting an admin counts; a role change between other roles does not.
 */
export function isRemoval (step: Step): boolean {
  if (step.kind === 'cancel_invite' || step.kind === 'remove') return true
  if (step.kind === 'change_role' || step.kind === 'change_invite_role') return step.from === 'ADMIN' && step.to !== 'ADMIN'
  return false
}

/** Steps that call Meta (everything but skips, blocked and manual ones). */
export function callsMeta (step: Step): boolean {
  return step.kind !== 'skip' && step.kind !== 'blocked' && step.kind !== 'manual'
}

/** The plan's manual steps, as the person's record keeps them. */
export function manualStepsOf (steps: readonly Step[]): ManualStep[] {
  return steps.flatMap((s) => s.kind === 'manual' ? [{ action: s.action, assetType: s.assetType, assetId: s.assetId, instruction: s.instruction }] : [])
}
