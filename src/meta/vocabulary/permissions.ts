import type { AssetType } from './enums.js'

// The permissions (token scopes) each feature of the bridge needs, and whether Meta documents
// the requirement. docs/meta.md is the readable form of this table; the doctor checks a token
// against it.

export interface FeaturePermissions {
  feature: string
  /** What the bridge does with it. */
  what: string
  /** The asset type the feature manages (its check is skipped when the business has none). */
  assetType?: AssetType
  permissions: readonly string[]
  /** true: Meta's reference states it; false: assumed from the API family, not documented. */
  documented: boolean
  source: string
}

export const FEATURE_PERMISSIONS: readonly FeaturePermissions[] = [
  {
    feature: 'people',
    what: 'members, invitations, system users, partners and asset lists of the business',
    permissions: ['business_management'],
    documented: true,
    source: 'Business Management APIs, "Get started": apps and tokens need business_management'
  },
  {
    feature: 'page_access',
    what: 'who holds which tasks on pages (assigned_users read, grant, revoke)',
    assetType: 'page',
    permissions: ['business_management', 'pages_manage_metadata'],
    documented: true,
    source: 'Graph API reference, Page assigned_users: reads need MANAGE on the page and pages_manage_metadata (a read without it answered code 10); writes assumed the same'
  },
  {
    feature: 'ad_account_access',
    what: 'tasks on ad accounts',
    assetType: 'ad_account',
    permissions: ['business_management', 'ads_management'],
    documented: false,
    source: 'not documented on the edge; Marketing API calls on ad accounts use ads_management'
  },
  {
    feature: 'pixel_access',
    what: 'tasks on pixels (read and grant; Meta cannot revoke)',
    assetType: 'pixel',
    permissions: ['business_management', 'ads_management'],
    documented: false,
    source: 'not documented on the edge; pixels belong to the Marketing API (ads_management)'
  },
  {
    feature: 'catalog_access',
    what: 'tasks on product catalogs',
    assetType: 'product_catalog',
    permissions: ['business_management', 'catalog_management'],
    documented: false,
    source: 'not documented on the edge; catalog calls use catalog_management'
  },
  {
    feature: 'whatsapp_access',
    what: 'tasks on WhatsApp Business accounts',
    assetType: 'whatsapp_business_account',
    permissions: ['business_management', 'whatsapp_business_management'],
    documented: false,
    source: 'not documented on the edge; WhatsApp Business Management API calls use whatsapp_business_management'
  },
  {
    feature: 'instagram_access',
    what: 'tasks on Instagram accounts',
    assetType: 'instagram_account',
    permissions: ['business_management', 'instagram_basic'],
    documented: false,
    source: 'not documented on the edge; Instagram account reads use instagram_basic'
  }
]
