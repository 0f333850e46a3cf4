import { BUC_TYPE_BY_ASSET, type AssetType } from './vocabulary/enums.js'
import { MetaApiError } from './vocabulary/errors.js'
import type { CallScope } from './governor/governor.js'
import type { AssignedUser } from './vocabulary/schemas.js'
import { stripActPrefix } from './governor/usage-headers.js'

/** An asset to read or assign people on; ad account ids may be given with or without `act_`. */
export interface AssetRef<T extends AssetType = AssetType> {
  type: T
  id: string
}

/**
 * A person on an asset of type T as read. Task names stay strings whatever T is: Meta reads
 * back names outside the type's enum (docs/meta-graph-api.md §3.2).
 */
export type AssignedUserOf<T extends AssetType> = T extends AssetType ? AssignedUser : never

/**
 * Meta's spec has no `DELETE /{pixel}/assigned_users` (dropped in 2020; the pixel reference
 * page says the operation is not supported): a pixel cannot be taken from a person through the
 * API, only in Business Settings (docs/meta-graph-api.md §2.3). Refused here, never sent.
 */
export function pixelUnassignRefusal (endpoint: string): MetaApiError {
  return new MetaApiError({
    message: 'Meta\'s API cannot remove a person from a pixel; remove them in Business Settings',
    source: 'unsupported',
    errorClass: 'business_rule',
    endpoint
  })
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
