import { paramEnum, specEnum } from './graph/spec.js'

// The simulator's own words for what it models, taken from Meta's spec files (graph/spec.ts)
// rather than from any client code: the simulator models Meta, not the bridge.

/** The asset types the simulator holds, with their Graph node type and business list edges. */
export const ASSET_KINDS = {
  ad_account: { node: 'AdAccount', owned: 'owned_ad_accounts', client: 'client_ad_accounts' },
  page: { node: 'Page', owned: 'owned_pages', client: 'client_pages' },
  pixel: { node: 'AdsPixel', owned: 'owned_pixels', client: 'client_pixels' },
  product_catalog: {
    node: 'ProductCatalog', owned: 'owned_product_catalogs', client: 'client_product_catalogs'
  },
  instagram_account: {
    node: 'InstagramBusinessAsset', owned: 'owned_instagram_assets', client: 'client_instagram_assets'
  },
  whatsapp_business_account: {
    node: 'WhatsAppBusinessAccount',
    owned: 'owned_whatsapp_business_accounts',
    client: 'client_whatsapp_business_accounts'
  }
} as const

export type SimAssetType = keyof typeof ASSET_KINDS
export const SIM_ASSET_TYPES = Object.keys(ASSET_KINDS) as SimAssetType[]

/** Business roles (`BusinessUser.role` on update; the same values on invites and requests). */
export const ROLES: readonly string[] = specEnum('businessuser_role')
/** `invited_user_type` on `POST /{business}/business_users`: FB or MWA. */
export const INVITED_USER_TYPES: readonly string[] =
  paramEnum('Business', 'business_users', 'POST', 'invited_user_type')
export const TWO_FACTOR_TYPES: readonly string[] = specEnum('business_two_factor_type')

/** Task names the spec accepts on `POST /{asset}/assigned_users` for an asset type. */
export function specTasks (type: SimAssetType): readonly string[] {
  return paramEnum(ASSET_KINDS[type].node, 'assigned_users', 'POST', 'tasks')
}

/** Enum values as a non-empty tuple, for zod. */
export function enumTuple (values: readonly string[]): [string, ...string[]] {
  return values as [string, ...string[]]
}
