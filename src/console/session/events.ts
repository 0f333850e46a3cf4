import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { writeAudit, type AuditEvent } from '../../provisioning/records/audit-repository.js'
import type { ConsoleRole } from '../auth/roles.js'
import { insertConsoleEvent } from './console-repository.js'

/** Sign-ins, refusals and sign-outs: console-wide, so in `console_events`, not a tenant's log. */
export async function recordConsoleEvent (
  db: Kysely<DB>, at: Date, event: { actor: string, action: string, outcome: 'applied' | 'refused', detail?: Record<string, unknown> }
): Promise<void> {
  await insertConsoleEvent(
    db, { at, actor: event.actor, action: event.action, outcome: event.outcome, detail: event.detail ?? {} }
  )
}

/** A console action on one tenant, in that tenant's audit log with who did it and in which role. */
export async function auditConsoleAction (
  db: Kysely<DB>, event: Omit<AuditEvent, 'reason'> & { reason?: string, role: ConsoleRole }
): Promise<void> {
  const { role, ...rest } = event
  await writeAudit(db, { reason: 'admin console', ...rest, detail: { ...rest.detail, role } })
}
