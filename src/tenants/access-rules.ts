import { z } from 'zod'
import { ASSET_TASKS, ASSET_TYPES, BUSINESS_ROLES, type AssetType, type BusinessRole } from '../meta/index.js'
import { bundleTasks } from './access-rules-bundles.js'
import { unconfirmableRoleReason } from './confirmable-roles.js'

// Access rules (docs/architecture.md "Provisioning rules"): an IdP group, by display name and ignoring
// case (so a rule may exist before the group is pushed), grants a business role and asset tasks.

export interface RuleAsset {
  assetType: AssetType
  /** Ad accounts spelled `act_<n>` (meta-graph-api.md §1.7). */
  assetId: string
  tasks: string[]
}

export interface AccessRule {
  id?: string
  groupName: string
  role: BusinessRole | null
  assets: RuleAsset[]
  /** Lower wins when several of a user's groups name a role. */
  priority: number
}

export const DEFAULT_RULE_PRIORITY = 100

const assetInput = z.object({
  assetType: z.enum(ASSET_TYPES),
  assetId: z.string().trim().min(1),
  /** Explicit tasks (§3.2 enum of the asset type)… */
  tasks: z.array(z.string()).min(1).optional(),
  /** …or a named bundle (access-rules-bundles.ts). */
  bundle: z.string().optional()
}).strict()

export const accessRuleInputSchema = z.object({
  // The group name is indexed, like a SCIM Group's displayName: the same length limit (docs/scim.md).
  group: z.string().trim().min(1).max(512),
  role: z.preprocess((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v), z.enum(BUSINESS_ROLES).nullable().optional()),
  assets: z.array(assetInput).default([]),
  priority: z.number().int().default(DEFAULT_RULE_PRIORITY)
}).strict()

export type AccessRuleInput = z.input<typeof accessRuleInputSchema>

export class AccessRulesError extends Error {
  override name = 'AccessRulesError'
}

/** One spelling per asset id: `act_<n>` for ad accounts (§1.7), as given otherwise. */
export function canonicalAssetId (assetType: AssetType, id: string): string {
  return assetType === 'ad_account' && !id.startsWith('act_') ? `act_${id}` : id
}

function resolveTasks (asset: z.infer<typeof assetInput>, where: string): string[] {
  const allowed: readonly string[] = ASSET_TASKS[asset.assetType]
  if ((asset.tasks === undefined) === (asset.bundle === undefined)) {
    throw new AccessRulesError(`${where}: give either tasks or bundle`)
  }
  const tasks = asset.tasks ?? bundleTasks(asset.assetType, asset.bundle ?? '')
  if (tasks === undefined) throw new AccessRulesError(`${where}: no bundle "${asset.bundle ?? ''}" for ${asset.assetType}`)
  const upper = [...new Set(tasks.map((t) => t.trim().toUpperCase()))]
  const unknown = upper.find((t) => !allowed.includes(t))
  if (unknown !== undefined) throw new AccessRulesError(`${where}: ${unknown} is not a ${asset.assetType} task`)
  return upper.sort()
}

/** Validates rules (from JSON, the environment or the admin API) into their stored form. */
export function parseAccessRules (input: unknown): AccessRule[] {
  const parsed = z.array(accessRuleInputSchema).safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new AccessRulesError(`access rules: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`.trim())
  }
  const seen = new Set<string>()
  return parsed.data.map((rule, i) => {
    const key = rule.group.toLowerCase()
    if (seen.has(key)) throw new AccessRulesError(`access rules: group "${rule.group}" appears twice`)
    seen.add(key)
    const refused = rule.role === undefined || rule.role === null ? null : unconfirmableRoleReason(rule.role)
    if (refused !== null) throw new AccessRulesError(`access rules[${i}] (group "${rule.group}"): ${refused}`)
    const assets = rule.assets.map((a, j) => ({
      assetType: a.assetType,
      assetId: canonicalAssetId(a.assetType, a.assetId),
      tasks: resolveTasks(a, `access rules[${i}].assets[${j}]`)
    }))
    return { groupName: rule.group, role: rule.role ?? null, assets, priority: rule.priority }
  })
}

/** Parses JSON text of an array of rules. */
export function parseAccessRulesJson (text: string): AccessRule[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new AccessRulesError(`access rules are not valid JSON: ${err instanceof Error ? err.message : String(err)}`)
  }
  return parseAccessRules(value)
}

export type { AssetType }
