import { isMetaApiError, type AssetType, type MetaClient } from '../meta/index.js'
import { canonicalAssetId, type AccessRule } from '../tenants/access-rules.js'

export interface AssetCheck {
  /** `checked`: every asset id was found; `skipped`: Meta could not be read, rules saved unchecked. */
  status: 'checked' | 'skipped'
  reason?: string
  /** Rule assets the business neither owns nor has through a client (reference §2.2). */
  unknown: Array<{ path: string, message: string }>
}

/** Ids of the business's assets of one type, owned and client-shared, in the rules' spelling. */
async function assetIds (client: MetaClient, type: AssetType): Promise<Set<string>> {
  const ids = new Set<string>()
  for (const relation of ['owned', 'client'] as const) {
    for (const node of await client.listAssets(type, { relation })) ids.add(canonicalAssetId(type, node.id))
  }
  return ids
}

/**
 * Checks every asset a rule names against the business's asset lists, one listing per asset
 * type used. A rule naming an asset the business cannot grant would fail on every person it
 * matches, so it is refused up front. When Meta cannot be read, the rules are not
 * refused for it: the check is reported as skipped with the reason.
 */
export async function checkRuleAssets (client: MetaClient, rules: AccessRule[]): Promise<AssetCheck> {
  const types = [...new Set(rules.flatMap((r) => r.assets.map((a) => a.assetType)))]
  const known = new Map<AssetType, Set<string>>()
  try {
    for (const type of types) known.set(type, await assetIds(client, type))
  } catch (err) {
    if (!isMetaApiError(err)) throw err
    return { status: 'skipped', reason: `${err.errorClass}: ${err.message}`, unknown: [] }
  }
  const unknown: AssetCheck['unknown'] = []
  rules.forEach((rule, i) => rule.assets.forEach((asset, j) => {
    if (!known.get(asset.assetType)?.has(canonicalAssetId(asset.assetType, asset.assetId))) {
      unknown.push({
        path: `body.rules.${i}.assets.${j}.assetId`,
        message: `the business has no ${asset.assetType} ${asset.assetId}`
      })
    }
  }))
  return { status: 'checked', unknown }
}
