import { BUSINESS_ROLES, type BusinessRole } from '../../meta/index.js'
import type { AccessRule } from '../../tenants/access-rules.js'
import type { AssetAccess, DesiredAccess } from './reconcile-types.js'

// Desired access of one user (docs/architecture.md "Provisioning rules"), pure: no database, no Meta.

export interface DesiredUser {
  active: boolean
  /** The SCIM `roles` attribute as stored (RFC 7643 §4.1.2), any shape. */
  roles: unknown
  /** Display names of the user's groups. */
  groupNames: readonly string[]
}

export interface DesiredResult extends DesiredAccess {
  /** Why, in words an admin reads in the audit log. */
  why: string
}

const ROLE_SET: ReadonlySet<string> = new Set(BUSINESS_ROLES)

/** `Finance editor`, `finance-editor` and `FINANCE_EDITOR` all name FINANCE_EDITOR (§3.1). */
export function metaRoleOf (value: unknown): BusinessRole | null {
  if (typeof value !== 'string') return null
  const name = value.trim().toUpperCase().replace(/[\s-]+/g, '_')
  return ROLE_SET.has(name) ? name as BusinessRole : null
}

/** The Meta role named by the SCIM `roles` attribute: the primary value first, then in order. */
export function roleFromScimRoles (roles: unknown): BusinessRole | null {
  if (!Array.isArray(roles)) return null
  const entries = roles.filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null)
  const ordered = [...entries.filter((r) => r.primary === true), ...entries.filter((r) => r.primary !== true)]
  for (const entry of ordered) {
    const role = metaRoleOf(entry.value)
    if (role !== null) return role
  }
  return null
}

/** Union of task sets per asset, sorted, so equal access always compares equal. */
export function mergeAssets (lists: ReadonlyArray<readonly AssetAccess[]>): AssetAccess[] {
  const byAsset = new Map<string, AssetAccess>()
  for (const list of lists) {
    for (const a of list) {
      const key = `${a.assetType}:${a.assetId}`
      const seen = byAsset.get(key)
      const tasks = new Set([...(seen?.tasks ?? []), ...a.tasks])
      byAsset.set(key, { assetType: a.assetType, assetId: a.assetId, tasks: [...tasks].sort() })
    }
  }
  return [...byAsset.values()]
    .sort((x, y) => x.assetType.localeCompare(y.assetType) || x.assetId.localeCompare(y.assetId))
}

/** Rules whose group is one of the user's, by display name ignoring case; best priority first. */
export function matchingRules (rules: readonly AccessRule[], groupNames: readonly string[]): AccessRule[] {
  const names = new Set(groupNames.map((n) => n.toLowerCase()))
  return rules.filter((r) => names.has(r.groupName.toLowerCase()))
    .sort((a, b) => a.priority - b.priority || a.groupName.toLowerCase().localeCompare(b.groupName.toLowerCase()))
}

/**
 * None for an inactive or deleted user. Otherwise the role comes from the SCIM `roles` attribute
 * when a value names a Meta role, else the best-priority matching rule that names one, else the
 * tenant's default role; asset tasks are the union of every matching rule. Assets without any
 * role still need a place in the business: the person joins as EMPLOYEE.
 */
export function desiredAccess (
  user: DesiredUser | undefined, rules: readonly AccessRule[], defaultRole: BusinessRole | null
): DesiredResult {
  if (user === undefined) return { role: null, assets: [], why: 'the user was deleted' }
  if (!user.active) return { role: null, assets: [], why: 'the user is inactive' }
  const matching = matchingRules(rules, user.groupNames)
  const assets = mergeAssets(matching.map((r) => r.assets))
  const scimRole = roleFromScimRoles(user.roles)
  if (scimRole !== null) return { role: scimRole, assets, why: `role ${scimRole} from the SCIM roles attribute` }
  const ruled = matching.find((r) => r.role !== null)
  if (ruled?.role != null) return { role: ruled.role, assets, why: `role ${ruled.role} from the rule for group "${ruled.groupName}"` }
  if (defaultRole !== null) return { role: defaultRole, assets, why: `the tenant's default role ${defaultRole}` }
  if (assets.length > 0) return { role: 'EMPLOYEE', assets, why: 'asset rules without a role: EMPLOYEE' }
  return { role: null, assets: [], why: 'no rule matches and the tenant has no default role' }
}

/** The address Meta invites: the primary email, else a work email, else the first, else an email-like userName. */
export function emailOf (data: Record<string, unknown>, userName: string): string | null {
  const emails = Array.isArray(data.emails)
    ? data.emails.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null && typeof e.value === 'string' && e.value.includes('@'))
    : []
  const pick = emails.find((e) => e.primary === true) ??
    emails.find((e) => typeof e.type === 'string' && e.type.toLowerCase() === 'work') ??
    emails[0]
  if (pick !== undefined) return String(pick.value).trim()
  return /^[^@\s]+@[^@\s]+$/.test(userName) ? userName.trim() : null
}
