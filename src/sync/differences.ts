import { PIXEL_REMOVAL_INSTRUCTION } from '../provisioning/engine/reconcile-types.js'
import { gapIsEmpty, taskGap } from '../provisioning/engine/task-coverage.js'
import { canonicalAssetId } from './asset-ids.js'
import type { AssetAccess, DesiredAccess, ObservedPerson } from './ports.js'

// Desired (IdP) against observed (Meta) access for one user: the role and asset-task parts of
// the drift report, and the reason a sync enqueues a reconcile.

export type Difference =
  | { type: 'missing' }
  | { type: 'not_entitled' }
  | { type: 'role', desired: string, observed: string | null }
  | { type: 'asset', asset_type: string, asset_id: string, desired: string[], observed: string[], missing: string[], extra: string[], manual_step?: string }

const inBusiness = (o: ObservedPerson): boolean => o.state === 'active' || o.state === 'invited'

/**
 * Whether the observed member holds the desired role. `business_users.role` only carries base
 * roles; finance and ads-rights roles surface as finance_permission / ip_permission (§3.1), and
 * how writes map onto them is [U] (Q2), so either spelling counts.
 */
export function holdsRole (desired: string, o: ObservedPerson): boolean {
  if (o.role === desired) return true
  const finance = (o.financePermission ?? '').toUpperCase()
  if (desired === 'FINANCE_EDITOR' || desired === 'FINANCE_EDIT') return finance === 'EDITOR'
  if (desired === 'FINANCE_ANALYST' || desired === 'FINANCE_VIEW') return finance === 'ANALYST'
  if (desired === 'ADS_RIGHTS_REVIEWER') return (o.ipPermission ?? '') !== ''
  return false
}

function assetDifferences (desired: readonly AssetAccess[], observed: ObservedPerson): Difference[] {
  const want = new Map(desired.map((a) => [canonicalAssetId(a.assetType, a.assetId), a]))
  const have = new Map(observed.assets.map((a) => [canonicalAssetId(a.assetType, a.assetId), a]))
  // An asset that could not be read says nothing either way: no difference, no reconcile.
  const unknown = new Set((observed.unreadableAssets ?? []).map((a) => canonicalAssetId(a.assetType, a.assetId)))
  const out: Difference[] = []
  for (const id of [...new Set([...want.keys(), ...have.keys()])].sort()) {
    if (unknown.has(id)) continue
    const w = want.get(id)
    const h = have.get(id)
    const desiredTasks = [...(w?.tasks ?? [])].sort()
    const observedTasks = [...(h?.tasks ?? [])].sort()
    const assetType = (w ?? h)?.assetType
    if (assetType === undefined) continue
    // The plan's rule (task-coverage.ts): contained is in place; only unexplained extras differ.
    const gap = taskGap(assetType, desiredTasks, observedTasks)
    if (!gapIsEmpty(gap)) {
      // The API cannot take pixel access away (Meta's ads-pixel assigned_users reference).
      const manual = assetType === 'pixel' && w === undefined ? { manual_step: PIXEL_REMOVAL_INSTRUCTION } : {}
      out.push({ type: 'asset', asset_type: assetType, asset_id: id, desired: desiredTasks, observed: observedTasks, ...gap, ...manual })
    }
  }
  return out
}

/** Every way a user's Meta access differs from what the IdP entitles them to. */
export function differences (desired: DesiredAccess | undefined, observed: ObservedPerson): Difference[] {
  const role = desired?.role ?? null
  if (role === null) return inBusiness(observed) ? [{ type: 'not_entitled' }] : []
  if (!inBusiness(observed)) return [{ type: 'missing' }]
  const out: Difference[] = []
  if (!holdsRole(role, observed)) out.push({ type: 'role', desired: role, observed: observed.role })
  // Nothing can be assigned to a pending invite (§8.2): asset tasks wait for acceptance.
  if (observed.state === 'active') out.push(...assetDifferences(desired?.assets ?? [], observed))
  return out
}
