/**
 * The console's roles, each including the one before: a viewer reads, an operator also starts
 * work the bridge would do on its own schedule (sync, reconcile, queue retry, connection test),
 * an admin also changes configuration and decides held removals.
 */
export const CONSOLE_ROLES = ['viewer', 'operator', 'admin'] as const
export type ConsoleRole = typeof CONSOLE_ROLES[number]

export const isConsoleRole = (value: unknown): value is ConsoleRole =>
  typeof value === 'string' && (CONSOLE_ROLES as readonly string[]).includes(value)

const rank = (role: ConsoleRole): number => CONSOLE_ROLES.indexOf(role)

export const atLeast = (role: ConsoleRole | undefined, needed: ConsoleRole): boolean =>
  role !== undefined && rank(role) >= rank(needed)

const higher = (a: ConsoleRole | null | undefined, b: ConsoleRole): ConsoleRole =>
  a === null || a === undefined || rank(b) > rank(a) ? b : a

/**
 * What a session may do: `role` on every tenant (null: none), and roles on single tenants.
 * A tenant neither covers is invisible to the session.
 */
export interface ConsoleAccess {
  role: ConsoleRole | null
  tenants: Readonly<Record<string, ConsoleRole>>
}

/** Break-glass and the legacy allowed values: admin of everything. */
export const FULL_ADMIN: ConsoleAccess = Object.freeze({ role: 'admin', tenants: Object.freeze({}) })

/** One entry of CONSOLE_OIDC_ROLES: a claim value, its role, and the tenants it is limited to (null: all). */
export interface RoleGrant {
  value: string
  role: ConsoleRole
  tenants: readonly string[] | null
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// The role is the text after the last `=`: claim values may contain `=` and `,` themselves
// (an LDAP distinguished name as a group), role names and tenant ids never do.
const ENTRY = /^(.+)=\s*([a-z]+)\s*(?::(.*))?$/s

/**
 * Parses `value=role` and `value=role:tenantId,tenantId` entries separated by `;`. Throws an
 * Error naming the bad entry, for the configuration check at start.
 */
export function parseRoleMapping (text: string): RoleGrant[] {
  const grants: RoleGrant[] = []
  for (const raw of text.split(';')) {
    const entry = raw.trim()
    if (entry === '') continue
    const m = ENTRY.exec(entry)
    const value = m?.[1]?.trim() ?? ''
    const role = m?.[2]
    if (m === null || value === '' || !isConsoleRole(role)) {
      throw new Error(`"${entry}" is not <claim value>=<viewer|operator|admin>[:<tenant id>,…]`)
    }
    let tenants: string[] | null = null
    if (m[3] !== undefined) {
      tenants = m[3].split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '')
      const bad = tenants.find((id) => !UUID.test(id))
      if (tenants.length === 0 || bad !== undefined) {
        throw new Error(`"${entry}": after the role's ":" come tenant ids (UUIDs) separated by commas`)
      }
    }
    grants.push({ value, role, tenants })
  }
  return grants
}

/**
 * The access a person's claim values give: the legacy allowed values make them admin of every
 * tenant; each matching grant adds its role, on every tenant or on its tenants, and the highest
 * role wins where several apply. Undefined when nothing matches (not allowed in).
 */
export function accessFor (
  values: readonly string[], settings: { allowed: readonly string[], grants: readonly RoleGrant[] }
): ConsoleAccess | undefined {
  let role: ConsoleRole | null = values.some((v) => settings.allowed.includes(v)) ? 'admin' : null
  const tenants: Record<string, ConsoleRole> = {}
  for (const grant of settings.grants) {
    if (!values.includes(grant.value)) continue
    if (grant.tenants === null) role = higher(role, grant.role)
    else for (const id of grant.tenants) tenants[id] = higher(tenants[id], grant.role)
  }
  if (role === null && Object.keys(tenants).length === 0) return undefined
  return { role, tenants }
}

/** The session's role on a tenant, or undefined when the tenant is outside its scope. */
export function roleOn (access: ConsoleAccess, tenantId: string): ConsoleRole | undefined {
  const own = access.tenants[tenantId.toLowerCase()]
  if (access.role === null) return own
  return own === undefined ? access.role : higher(access.role, own)
}

/** Tenant ids a scoped session may see; undefined when it sees every tenant. */
export const scopedTenantIds = (access: ConsoleAccess): string[] | undefined =>
  access.role === null ? Object.keys(access.tenants) : undefined

/** The highest role the session holds anywhere: what pages outside a tenant go by. */
export function highestRole (access: ConsoleAccess): ConsoleRole {
  let best: ConsoleRole = access.role ?? 'viewer'
  for (const r of Object.values(access.tenants)) best = higher(best, r)
  return best
}

/** `admin`, or `viewer; admin of 2 tenants`: how the header and the sign-in event name it. */
export function describeAccess (access: ConsoleAccess): string {
  const scoped = Object.entries(access.tenants)
  const parts: string[] = access.role === null ? [] : [access.role]
  for (const role of CONSOLE_ROLES) {
    const n = scoped.filter(([, r]) => r === role).length
    if (n > 0) parts.push(`${role} of ${n} tenant${n === 1 ? '' : 's'}`)
  }
  return parts.join('; ')
}
