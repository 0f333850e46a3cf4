import type { Executor } from '../db/executor.js'
import { listUserRows } from '../directory/users-repository.js'
import type { ScimIdentity } from './snapshot-types.js'

/** Emails of a stored SCIM user body, the primary one first (RFC 7643 §4.1.2). */
export function emailsOf (data: Record<string, unknown>): string[] {
  const list = Array.isArray(data.emails) ? data.emails : []
  const entries = list
    .filter((e): e is { value: string, primary?: unknown } => typeof e === 'object' && e !== null && typeof (e as { value?: unknown }).value === 'string')
    .map((e) => ({ value: e.value, primary: e.primary === true || e.primary === 'true' || e.primary === 'True' }))
  return [...entries.filter((e) => e.primary), ...entries.filter((e) => !e.primary)].map((e) => e.value)
}

/** Every SCIM user of the tenant, as matching needs them. */
export async function loadScimIdentities (db: Executor, tenantId: string): Promise<ScimIdentity[]> {
  const rows = await listUserRows(db, tenantId)
  return rows.map((r) => ({ id: r.id, userName: r.user_name, active: r.active, emails: emailsOf(r.data) }))
}
