import type { AssetType } from './enums.js'

// The `fields=` lists the client asks for by default (docs/meta-graph-api.md §1.4, §9). Each
// names only fields Meta's spec gives the node type (or that the edge documents, §2.3, §2.4):
// one unknown field fails the whole call with code 100. test/meta/spec-contract.test.ts checks
// every list that goes over the wire against the spec files.

export const BUSINESS_USER_FIELDS = [
  'id', 'name', 'email', 'first_name', 'last_name', 'role', 'finance_permission', 'ip_permission',
  'pending_email', 'marked_for_removal', 'two_fac_status', 'title', 'tasks'
] as const

export const PENDING_USER_FIELDS = [
  'id', 'email', 'role', 'status', 'invited_user_type', 'expiration_time', 'created_time',
  'finance_role', 'ip_role', 'tasks'
] as const

/** SystemUser has no `role` field in the spec. */
export const SYSTEM_USER_FIELDS = [
  'id', 'name', 'created_time', 'finance_permission', 'ip_permission'
] as const

export const AGENCY_FIELDS = [
  'id', 'name', 'adaccount_permissions', 'application_permissions', 'page_permissions',
  'productcatalog_permissions', 'shared_ca_count'
] as const

export const CLIENT_FIELDS = ['id', 'name'] as const

/** AssignedUser fields plus the edge's `tasks` and `permitted_tasks` (absent on Instagram rows). */
export const ASSIGNED_USER_FIELDS = ['id', 'name', 'tasks', 'permitted_tasks', 'user_type'] as const

export const ASSET_FIELDS: Record<AssetType, readonly string[]> = {
  ad_account: ['id', 'name', 'account_id'],
  page: ['id', 'name'],
  pixel: ['id', 'name'],
  product_catalog: ['id', 'name'],
  // InstagramBusinessAsset has only these three fields: no `name`, no `username`.
  instagram_account: ['id', 'ig_user_id', 'ig_username'],
  whatsapp_business_account: ['id', 'name']
}

export function fieldsParam (fields: readonly string[]): string {
  return fields.join(',')
}
