import type { ErrorSpec } from './error-spec.js'

// What a token may do beyond its role: the permissions (scopes) the app was granted and the
// token carries. Meta documents some requirements and not others; the defaults below follow
// what is documented or was observed, and docs/meta.md marks which is which.

export interface PermissionSettings {
  /** Permissions every token holds unless the token carries its own list. */
  granted: string[]
  /**
   * What each route needs (all of them). Keys: a route name (`business_users.list`), or a route
   * name and an asset type for the asset edges (`assigned_users.list:page`), which wins.
   */
  required: Record<string, string[]>
  /** How a missing permission is answered, by the same keys; else `missingPermissionError`. */
  errors: Record<string, ErrorSpec>
  missingPermissionError: ErrorSpec
  /**
   * How an asset the token cannot read answers (a partner's asset it lost access to, an asset
   * without the permission): Graph's "does not exist, cannot be loaded due to missing
   * permissions" (100/33) is what it gives for an object it will not load.
   */
  unreadableAssetError: ErrorSpec
}

/** Everything the bridge may need, so a default token can do all it does. */
export const ALL_BRIDGE_PERMISSIONS = [
  'business_management',
  'ads_management',
  'pages_manage_metadata',
  'pages_show_list',
  'catalog_management',
  'whatsapp_business_management',
  'instagram_basic',
  'instagram_manage_comments'
]

const BUSINESS = ['business_management']

export function defaultPermissionSettings (): PermissionSettings {
  const assetRoutes = ['assigned_users.list', 'assigned_users.assign', 'assigned_users.unassign']
  const perAsset = (type: string, needs: string[]): Array<[string, string[]]> =>
    assetRoutes.map(r => [`${r}:${type}`, [...BUSINESS, ...needs]])
  return {
    granted: [...ALL_BRIDGE_PERMISSIONS],
    required: Object.fromEntries([
      ...['business.get', 'business_users.list', 'business_users.invite', 'business_user.get', 'business_user.update',
        'business_user.delete', 'pending_users.list', 'role_request.get', 'role_request.update', 'role_request.delete',
        'system_users.list', 'system_user.get', 'agencies.list', 'clients.list', 'assets.list', 'asset.get']
        .map(r => [r, BUSINESS]),
      // Page assigned_users: documented for reads (MANAGE on the page + pages_manage_metadata);
      // writes are assumed to need the same.
      ...perAsset('page', ['pages_manage_metadata']),
      ...perAsset('ad_account', ['ads_management']),
      ...perAsset('pixel', ['ads_management']),
      ...perAsset('product_catalog', ['catalog_management']),
      ...perAsset('whatsapp_business_account', ['whatsapp_business_management']),
      ...perAsset('instagram_account', ['instagram_basic'])
    ]),
    errors: Object.fromEntries(assetRoutes.map(r => [`${r}:page`, {
      // A real page read without pages_manage_metadata answered code 10.
      code: 10, type: 'OAuthException', status: 403, message: '(#10) This endpoint requires the \'pages_manage_metadata\' permission to manage the object'
    }])),
    missingPermissionError: { code: 200, type: 'OAuthException', status: 403, message: '(#200) Permissions error' },
    unreadableAssetError: {
      code: 100,
      subcode: 33,
      type: 'GraphMethodException',
      status: 400,
      message: "Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation."
    }
  }
}
