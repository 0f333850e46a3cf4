// What the client may SEND, copied from Meta's spec enums (docs/meta-graph-api.md §3;
// test/meta/spec-contract.test.ts proves every value is in the spec's enum for the edge it is
// sent to). What Meta sends back is read as plain strings (schemas.ts): it returns values
// outside these lists.

/** §3.1: the 15 business roles (codegen `businessuser_role` and siblings). */
export const BUSINESS_ROLES = [
  'ADMIN', 'EMPLOYEE', 'DEVELOPER', 'FINANCE_EDITOR', 'FINANCE_ANALYST', 'ADS_RIGHTS_REVIEWER',
  'FINANCE_EDIT', 'FINANCE_VIEW', 'MANAGE', 'DEFAULT', 'PARTNER_CENTER_ADMIN',
  'PARTNER_CENTER_ANALYST', 'PARTNER_CENTER_EDUCATION', 'PARTNER_CENTER_MARKETING',
  'PARTNER_CENTER_OPERATIONS'
] as const
export type BusinessRole = typeof BUSINESS_ROLES[number]

/** §3.1: `invited_user_type` (FB = personal profile, MWA = managed Meta account). */
export const INVITED_USER_TYPES = ['FB', 'MWA'] as const
export type InvitedUserType = typeof INVITED_USER_TYPES[number]

/** §3.1: Business `two_factor_type`. */
export const TWO_FACTOR_TYPES = ['admin_required', 'all_required', 'none'] as const
export type TwoFactorType = typeof TWO_FACTOR_TYPES[number]

/** The asset types the bridge manages (§2.2, §2.3). */
export const ASSET_TYPES = [
  'ad_account', 'page', 'pixel', 'product_catalog', 'instagram_account', 'whatsapp_business_account'
] as const
export type AssetType = typeof ASSET_TYPES[number]

/** §3.2: assignable task names per asset type (codegen `enum_types.json`). */
export const ASSET_TASKS = {
  ad_account: ['MANAGE', 'ADVERTISE', 'ANALYZE', 'DRAFT', 'AA_ANALYZE'],
  page: [
    'MANAGE', 'CREATE_CONTENT', 'MODERATE', 'MESSAGING', 'ADVERTISE', 'ANALYZE',
    'MODERATE_COMMUNITY', 'MANAGE_JOBS', 'MANAGE_LEADS', 'PAGES_MESSAGING',
    'PAGES_MESSAGING_SUBSCRIPTIONS', 'CASHIER_ROLE', 'GLOBAL_STRUCTURE_MANAGEMENT',
    'READ_PAGE_MAILBOXES', 'VIEW_MONETIZATION_INSIGHTS', 'PROFILE_PLUS_ADVERTISE',
    'PROFILE_PLUS_ANALYZE', 'PROFILE_PLUS_CREATE_CONTENT', 'PROFILE_PLUS_FACEBOOK_ACCESS', 'PROFILE_PLUS_FULL_CONTROL',
    'PROFILE_PLUS_GLOBAL_STRUCTURE_MANAGEMENT', 'PROFILE_PLUS_MANAGE', 'PROFILE_PLUS_MANAGE_LEADS',
    'PROFILE_PLUS_MESSAGING', 'PROFILE_PLUS_MODERATE', 'PROFILE_PLUS_MODERATE_DELEGATE_COMMUNITY',
    'PROFILE_PLUS_REVENUE'
  ],
  pixel: ['AA_ANALYZE', 'ADVERTISE', 'ANALYZE', 'EDIT', 'UPLOAD'],
  product_catalog: ['AA_ANALYZE', 'ADVERTISE', 'MANAGE', 'MANAGE_AR'],
  instagram_account: ['ADVERTISE', 'ANALYZE', 'COMMUNITY_ACTIVITY', 'CONTENT', 'MESSAGES'],
  whatsapp_business_account: [
    'DEVELOP', 'MANAGE', 'MANAGE_EXTENSIONS', 'MANAGE_PHONE', 'MANAGE_PHONE_ASSETS',
    'MANAGE_TEMPLATES', 'MESSAGING', 'VIEW_COST', 'VIEW_PHONE_ASSETS', 'VIEW_TEMPLATES'
  ]
} as const satisfies Record<AssetType, readonly string[]>

export type AssetTask<T extends AssetType = AssetType> = typeof ASSET_TASKS[T][number]

/**
 * §2.2: the business edges that list assets of each type, owned and shared by clients.
 * The `act_` prefix of ad account ids comes from §1.7.
 */
export const ASSET_EDGES = {
  ad_account: { owned: 'owned_ad_accounts', client: 'client_ad_accounts' },
  page: { owned: 'owned_pages', client: 'client_pages' },
  pixel: { owned: 'owned_pixels', client: 'client_pixels' },
  product_catalog: { owned: 'owned_product_catalogs', client: 'client_product_catalogs' },
  instagram_account: { owned: 'owned_instagram_assets', client: 'client_instagram_assets' },
  whatsapp_business_account: {
    owned: 'owned_whatsapp_business_accounts', client: 'client_whatsapp_business_accounts'
  }
} as const satisfies Record<AssetType, { owned: string, client: string }>

/**
 * §5.1: which Business Use Case bucket governs `assigned_users` traffic of each asset type.
 * [U] inferred (docs/meta-graph-api.md §5.1); pixels are not mentioned, so they fall under platform limits.
 */
export const BUC_TYPE_BY_ASSET: Record<AssetType, BucType | null> = {
  ad_account: 'ads_management',
  page: 'pages',
  pixel: null,
  product_catalog: 'catalog_management',
  instagram_account: 'instagram',
  whatsapp_business_account: 'whatsapp_business_management'
}

/** §5.1 BUC `type` values plus the catalog and WhatsApp sections. */
export const BUC_TYPES = [
  'ads_insights', 'ads_management', 'custom_audience', 'instagram', 'leadgen', 'messenger', 'pages',
  'catalog_management', 'catalog_batch', 'whatsapp_business_management'
] as const
export type BucType = typeof BUC_TYPES[number]
