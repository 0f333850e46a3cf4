import type { Insertable, Kysely, Selectable } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { ConsoleSessionsTable, ConsoleSignInFlowsTable } from './tables.js'

// The console's own tables (sessions, sign-in flows in progress, console-wide events); rows are
// keyed by the SHA-256 of a secret the browser holds, never the secret itself.

export type SessionRow = Selectable<ConsoleSessionsTable>
export type SignInFlowRow = Selectable<ConsoleSignInFlowsTable>

export async function insertSession (db: Kysely<DB>, row: Insertable<ConsoleSessionsTable>): Promise<void> {
  await db.insertInto('console_sessions').values(row).execute()
}

/** Sessions of anyone past their absolute end: each sign-in sweeps them. */
export async function deleteExpiredSessions (db: Kysely<DB>, at: Date): Promise<void> {
  await db.deleteFrom('console_sessions').where('expires_at', '<', at).execute()
}

export async function findSession (db: Kysely<DB>, idHash: string): Promise<SessionRow | undefined> {
  return await db.selectFrom('console_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst()
}

export async function touchSession (db: Kysely<DB>, idHash: string, at: Date): Promise<void> {
  await db.updateTable('console_sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute()
}

export async function deleteSession (db: Kysely<DB>, idHash: string): Promise<void> {
  await db.deleteFrom('console_sessions').where('id_hash', '=', idHash).execute()
}

/** Starts a sign-in flow, sweeping flows that expired unfinished. */
export async function insertSignInFlow (db: Kysely<DB>, row: SignInFlowRow, now: Date): Promise<void> {
  await db.deleteFrom('console_sign_in_flows').where('expires_at', '<', now).execute()
  await db.insertInto('console_sign_in_flows').values(row).execute()
}

/** Takes a flow out (single use: a replayed callback finds nothing). */
export async function takeSignInFlow (db: Kysely<DB>, idHash: string): Promise<SignInFlowRow | undefined> {
  return await db.deleteFrom('console_sign_in_flows').where('id_hash', '=', idHash).returningAll().executeTakeFirst()
}

export async function insertConsoleEvent (
  db: Kysely<DB>, event: { at: Date, actor: string, action: string, outcome: string, detail: Record<string, unknown> }
): Promise<void> {
  await db.insertInto('console_events').values({ ...event, detail: JSON.stringify(event.detail) }).execute()
}

export async function pageConsoleEvents (db: Kysely<DB>, limit: number, offset: number) {
  const rows = await db.selectFrom('console_events').selectAll().orderBy('at', 'desc').orderBy('id', 'desc')
    .limit(limit).offset(offset).execute()
  const count = await db.selectFrom('console_events').select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow()
  return { rows, total: Number(count.n) }
}
