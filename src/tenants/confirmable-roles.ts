import type { BusinessRole } from '../meta/index.js'

// Which business roles the bridge can see back after granting them. Meta documents that
// `business_users.role` "only contains base roles including Admin and Employee"; finance roles
// surface as `finance_permission` ("EDITOR, ANALYST, and so on") and the ads-rights reviewer as
// `ip_permission` (Graph API reference: Business User). Nothing readable shows DEVELOPER, MANAGE,
// DEFAULT or the PARTNER_CENTER_* roles, so a rule asking for one could never be confirmed: every
// sync would see a difference and every reconcile would grant it again. They are refused.

export const CONFIRMABLE_ROLES: readonly BusinessRole[] = [
  'ADMIN', 'EMPLOYEE', 'FINANCE_EDITOR', 'FINANCE_ANALYST', 'FINANCE_EDIT', 'FINANCE_VIEW', 'ADS_RIGHTS_REVIEWER'
]

/** Why a role cannot be asked for, or null when it can. */
export function unconfirmableRoleReason (role: BusinessRole): string | null {
  if (CONFIRMABLE_ROLES.includes(role)) return null
  return `role ${role} cannot be granted by the bridge: Meta's business_users.role shows only base roles ` +
    '(ADMIN, EMPLOYEE) and finance_permission / ip_permission show finance and ads-rights roles, so ' +
    `${role} could never be read back and confirmed; use one of ${CONFIRMABLE_ROLES.join(', ')}`
}
