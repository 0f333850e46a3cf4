import type { z } from 'zod'
import { assetNodeId, assetScope, pixelUnassignRefusal, type AssetRef } from './assets.js'
import type { BatchOperation } from './wire/batch.js'
import type { AssetTask, AssetType } from './vocabulary/enums.js'
import * as F from './vocabulary/fields.js'
import * as S from './vocabulary/schemas.js'

const AssignedUsersPageSchema = S.pageSchema(S.AssignedUserSchema)
type AssignedUsersPage = z.infer<typeof AssignedUsersPageSchema>
type Success = z.infer<typeof S.SuccessSchema>

/** Asset types whose grants need a JSON body, which a batch operation cannot carry (§2.3). */
export const JSON_ONLY_GRANTS: ReadonlySet<AssetType> = new Set(['instagram_account'])

/**
 * Typed operations for `client.batch()` (docs/meta-graph-api.md §1.6), mainly for the sync: read
 * or change people on many assets in one request. Each carries its rate-limit scope and
 * response schema. A batch operation's body is form-encoded, so grants on asset types that
 * refuse form bodies (Instagram) are not offered here: use `client.assignUser`.
 */
export function batchOperations (businessId: string) {
  return {
    getAssignedUsers (
      asset: AssetRef, o: { fields?: readonly string[], limit?: number } = {}
    ): BatchOperation<AssignedUsersPage> {
      return {
        method: 'GET',
        path: `${assetNodeId(asset)}/assigned_users`,
        params: { business: businessId, fields: F.fieldsParam(o.fields ?? F.ASSIGNED_USER_FIELDS), limit: o.limit },
        scope: assetScope(asset),
        schema: AssignedUsersPageSchema
      }
    },
    assignUser<T extends AssetType> (
      asset: AssetRef<T>, userId: string, tasks: ReadonlyArray<AssetTask<T>>
    ): BatchOperation<Success> {
      if (JSON_ONLY_GRANTS.has(asset.type)) {
        throw new Error(`${asset.type} grants need a JSON body: use client.assignUser, not a batch`)
      }
      return {
        method: 'POST',
        path: `${assetNodeId(asset)}/assigned_users`,
        params: { user: userId, tasks, business: businessId },
        scope: assetScope(asset),
        schema: S.SuccessSchema
      }
    },
    unassignUser (asset: AssetRef, userId: string): BatchOperation<Success> {
      const path = `${assetNodeId(asset)}/assigned_users`
      if (asset.type === 'pixel') throw pixelUnassignRefusal(`DELETE ${path}`)
      return {
        method: 'DELETE',
        path,
        // The spec documents only `user` on DELETE (§2.3).
        params: { user: userId },
        scope: assetScope(asset),
        schema: S.SuccessSchema
      }
    }
  }
}
