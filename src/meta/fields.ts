import type { AssetType } from './enums.js'

// The `fields=` lists the client asks for by default (reference §9 sync outline, §1.4).
// Fields Meta may not expose (BusinessUser.invited_user_type, [U] §10) are left out: an
// unknown field fails the whole call with code 100.

export const BUSINESS_USER_FIELDS = [
  'id', 'name', 'email', 'first_name', 'last_name', 'role', 'finance_permission', 'ip_permission',
  'pending_email', 'marked_for_removal', 'two_fac_status', 'title', 'tasks'
] as const

export const PENDING_USER_FIELDS = [
  'id', 'email', 'role', 'status', 'invited_user_type', 'expiration_time', 'created_time',
  'finance_role', 'ip_role', 'tasks'
] as const

export const SYSTEM_USER_FIELDS = [
  'id', 'name', 'role', 'created_time', 'finance_permission', 'ip_permission'
] as const

export const AGENCY_FIELDS = [
  'id', 'name', 'adaccount_permissions', 'application_permissions', 'page_permissions',
  'productcatalog_permissions', 'shared_ca_count'
] as const

export const CLIENT_FIELDS = ['id', 'name'] as const

export const ASSIGNED_USER_FIELDS = ['id', 'name', 'tasks', 'permitted_tasks', 'user_type'] as const

export const ASSET_FIELDS: Record<AssetType, readonly string[]> = {
  ad_account: ['id', 'name', 'account_id'],
  page: ['id', 'name'],
  pixel: ['id', 'name'],
  product_catalog: ['id', 'name'],
  instagram_account: ['id', 'username'],
  whatsapp_business_account: ['id', 'name']
}

export function fieldsParam (fields: readonly string[]): string {
  return fields.join(',')
}
