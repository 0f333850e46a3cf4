import type { Step } from '../../provisioning/engine/reconcile-types.js'

/** One plan step in words. */
export function describeStep (s: Step): string {
  switch (s.kind) {
    case 'invite': return `invite ${s.email} as ${s.role}`
    case 'change_invite_role': return `change the invitation's role from ${s.from ?? 'none'} to ${s.to}`
    case 'cancel_invite': return `cancel invitation ${s.inviteId}`
    case 'change_role': return `change role from ${s.from ?? 'none'} to ${s.to}`
    case 'assign': return `assign ${s.asset.assetType} ${s.asset.assetId}: ${s.asset.tasks.join(', ')}`
    case 'unassign': return `unassign ${s.assetType} ${s.assetId}`
    case 'remove': return `remove from the business (${s.businessUserId})`
    case 'skip': return `skipped ${s.action}: ${s.reason}`
    case 'manual': return `by hand: ${s.instruction}`
    case 'blocked': return `blocked ${s.action}: ${s.reason}`
  }
}
