import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import { writeAudit, type AuditEvent } from '../../provisioning/records/audit.js'

/** Sign-ins, refusals and sign-outs: console-wide, so in `console_events`, not a tenant's log. */
export async function recordConsoleEvent (
  db: Kysely<DB>, at: Date, event: { actor: string, action: string, outcome: 'applied' | 'refused', detail?: Record<string, unknown> }
): Promise<void> {
  await db.insertInto('console_events').values({
    at, actor: event.actor, action: event.action, outcome: event.outcome, detail: JSON.stringify(event.detail ?? {})
  }).execute()
}

export async function listConsoleEvents (db: Kysely<DB>, limit: number, offset: number) {
  const rows = await db.selectFrom('console_events').selectAll().orderBy('at', 'desc').orderBy('id', 'desc')
    .limit(limit).offset(offset).execute()
  const count = await db.selectFrom('console_events').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow()
  return { rows, total: Number(count.n) }
}

/** A console action on one tenant, in that tenant's audit log with who did it. */
export async function auditConsoleAction (
  db: Kysely<DB>, event: Omit<AuditEvent, 'reason'> & { reason?: string }
): Promise<void> {
  await writeAudit(db, { reason: 'admin console', ...event })
}
