import type { AssetTask, AssetType, MetaClient } from '../../meta/index.js'
import { confirmInviteGone, confirmMemberGone, confirmUnassigned } from './confirm-absence.js'
import type { MemberDirectory } from '../adapters/meta-people-listing.js'
import type { Step } from './reconcile-types.js'
import type { PersonPatch } from '../records/people-repository.js'
import { taskGap } from './task-coverage.js'

/** What a step that Meta accepted changes in the person's record. */
export interface Applied {
  patch: PersonPatch
  detail: Record<string, unknown>
  /**
   * The step found something else than planned (an invitation accepted before its
   * cancellation): record it under this outcome and plan again from the new record.
   */
  replan?: { outcome: 'adopted', message: string }
}

/** A step that needs the person's email (cancelling an invitation that may have been accepted). */
export interface StepPerson {
  email: string | null
}

/**
 * Executes one step through the Meta client (meta-graph-api.md §2.1, §2.3) and says what is
 * now true. Throws the client's MetaApiError; failure-classes.ts decides what it means.
 */
export async function applyStep (client: MetaClient, members: MemberDirectory, step: Step, assets: PersonPatch['assets'], person: StepPerson = { email: null }): Promise<Applied> {
  switch (step.kind) {
    case 'invite': {
      const { id } = await client.inviteUser({ email: step.email, role: step.role, invitedUserType: step.inviteType })
      // What P2's id names is not documented (§2.1 note): the directory resolves it through P6
      // by email until it has seen that it is the invitation's id.
      const found = await members.invited(step.email, id, step.role)
      if (found.kind === 'member') return { patch: { businessUserId: found.businessUserId, inviteId: null, role: found.role ?? step.role, state: 'member', inviteAttemptedAt: null }, detail: { returnedId: id } }
      const inviteId = found.inviteId
      return { patch: { inviteId, role: step.role, state: 'invited', inviteAttemptedAt: null }, detail: { inviteId, role: step.role, inviteType: step.inviteType } }
    }
    case 'change_invite_role': {
      const { id } = await client.updatePendingUser(step.inviteId, { role: step.to })
      return { patch: { inviteId: id, role: step.to, state: 'invited' }, detail: { inviteId: id, from: step.from, to: step.to } }
    }
    case 'cancel_invite': {
      const outcome = await client.cancelPendingUser(step.inviteId)
      members.forgetInvite(step.inviteId)
      if (outcome === 'not_found') {
        const found = await confirmInviteGone(client, step.inviteId, person.email)
        if (found.kind === 'member') {
          // Accepted between the plan and the cancellation: the person is a member now, and the
          // next plan removes them like any member (through the removal brake).
          return {
            patch: { inviteId: null, businessUserId: found.businessUserId, role: found.role, assets: [], state: 'member' },
            detail: { inviteId: step.inviteId, businessUserId: found.businessUserId, outcome: 'accepted_before_cancel' },
            replan: { outcome: 'adopted', message: 'the invitation was accepted before it could be cancelled; the member is removed instead' }
          }
        }
      }
      return { patch: { inviteId: null, role: null, state: 'removed' }, detail: { inviteId: step.inviteId, outcome } }
    }
    case 'change_role':
      await client.updateBusinessUserRole(step.businessUserId, { role: step.to })
      return { patch: { role: step.to, state: 'member' }, detail: { businessUserId: step.businessUserId, from: step.from, to: step.to } }
    case 'assign': {
      const { assetType, assetId, tasks } = step.asset
      await client.assignUser<AssetType>({ type: assetType, id: assetId }, step.businessUserId, tasks as AssetTask[])
      // Extra tasks seen before this POST of exactly the desired ones: if a later read still
      // shows them, Meta keeps them, and the plan does not narrow again (reconcile-types.ts `narrowed`).
      const extra = step.previous === null ? [] : taskGap(assetType, tasks, step.previous).extra
      const granted = { assetType, assetId, tasks: [...tasks], ...(extra.length > 0 ? { narrowed: extra } : {}) }
      const next = [...(assets ?? []).filter((a) => !(a.assetType === assetType && a.assetId === assetId)), granted]
      return { patch: { assets: next, state: 'member' }, detail: { assetType, assetId, tasks, previous: step.previous, ...(extra.length > 0 ? { narrowing: extra } : {}) } }
    }
    case 'unassign': {
      const outcome = await client.unassignUser({ type: step.assetType, id: step.assetId }, step.businessUserId)
      if (outcome === 'not_found') await confirmUnassigned(client, { type: step.assetType, id: step.assetId }, step.businessUserId)
      const next = (assets ?? []).filter((a) => !(a.assetType === step.assetType && a.assetId === step.assetId))
      return { patch: { assets: next, state: 'member' }, detail: { assetType: step.assetType, assetId: step.assetId, outcome } }
    }
    case 'remove': {
      // Removal drops the person's asset assignments with them (§8.2).
      const outcome = await client.removeBusinessUser(step.businessUserId)
      if (outcome === 'not_found') await confirmMemberGone(client, step.businessUserId)
      members.forgetMember(step.businessUserId)
      return { patch: { businessUserId: null, inviteId: null, role: null, assets: [], state: 'removed' }, detail: { businessUserId: step.businessUserId, outcome } }
    }
    case 'skip':
    case 'blocked':
    case 'manual':
      throw new Error(`${step.kind} steps are recorded, not applied`)
  }
}
