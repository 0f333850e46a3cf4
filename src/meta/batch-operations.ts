import type { z } from 'zod'
import { assetNodeId, assetScope, assignedUserSchemaOf, type AssetRef, type AssignedUserOf } from './assets.js'
import type { BatchOperation } from './batch.js'
import type { AssetTask, AssetType } from './enums.js'
import * as F from './fields.js'
import * as S from './schemas.js'

type AssignedUsersPage<T extends AssetType> = z.infer<ReturnType<typeof S.pageSchema<z.ZodType<AssignedUserOf<T>>>>>
type Success = z.infer<typeof S.SuccessSchema>

/**
 * Typed operations for `client.batch()` (reference §1.6), mainly for the sync: read or change
 * people on many assets in one request. Each carries its rate-limit scope and response schema.
 */
export function batchOperations (businessId: string) {
  return {
    getAssignedUsers<T extends AssetType> (asset: AssetRef<T>, o: { fields?: readonly string[], limit?: number } = {}): BatchOperation<AssignedUsersPage<T>> {
      return {
        method: 'GET',
        path: `${assetNodeId(asset)}/assigned_users`,
        params: { business: businessId, fields: F.fieldsParam(o.fields ?? F.ASSIGNED_USER_FIELDS), limit: o.limit },
        scope: assetScope(asset),
        schema: S.pageSchema(assignedUserSchemaOf(asset.type))
      }
    },
    assignUser<T extends AssetType> (asset: AssetRef<T>, userId: string, tasks: ReadonlyArray<AssetTask<T>>): BatchOperation<Success> {
      return {
        method: 'POST',
        path: `${assetNodeId(asset)}/assigned_users`,
        params: { user: userId, tasks, business: businessId },
        scope: assetScope(asset),
        schema: S.SuccessSchema
      }
    },
    unassignUser (asset: AssetRef, userId: string): BatchOperation<Success> {
      return {
        method: 'DELETE',
        path: `${assetNodeId(asset)}/assigned_users`,
        params: { user: userId, business: businessId },
        scope: assetScope(asset),
        schema: S.SuccessSchema
      }
    }
  }
}
