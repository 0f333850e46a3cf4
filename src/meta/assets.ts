import { z } from 'zod'
import { BUC_TYPE_BY_ASSET, type AssetTask, type AssetType } from './enums.js'
import type { CallScope } from './governor.js'
import { assignedUserSchema, type AssignedUser } from './schemas.js'
import { stripActPrefix } from './usage-headers.js'

/** An asset to read or assign people on; ad account ids may be given with or without `act_`. */
export interface AssetRef<T extends AssetType = AssetType> {
  type: T
  id: string
}

export type AssignedUserOf<T extends AssetType> =
  Omit<AssignedUser, 'tasks' | 'permitted_tasks'> & {
    tasks?: Array<AssetTask<T>>
    permitted_tasks?: Array<AssetTask<T>>
  }

/** Graph path segment of an asset: ad accounts are addressed as `act_<id>` (§1.7). */
export function assetNodeId (asset: AssetRef): string {
  return asset.type === 'ad_account' ? `act_${stripActPrefix(asset.id)}` : asset.id
}

/**
 * Rate-limit scope of an asset's `assigned_users` traffic (§5.1): the BUC of the asset when
 * one is known ([U] inferred), else platform limits. Ad accounts also have the legacy
 * X-Ad-Account-Usage bucket (§5.2).
 */
export function assetScope (asset: AssetRef): CallScope {
  const objectId = stripActPrefix(asset.id)
  const bucType = BUC_TYPE_BY_ASSET[asset.type]
  return {
    platform: bucType === null,
    objectId,
    bucType,
    adAccountId: asset.type === 'ad_account' ? objectId : undefined
  }
}

export function assignedUserSchemaOf<T extends AssetType> (type: T): z.ZodType<AssignedUserOf<T>> {
  return assignedUserSchema(type) as unknown as z.ZodType<AssignedUserOf<T>>
}
