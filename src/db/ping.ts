import { sql, type Kysely } from 'kysely'
import type { DB } from './schema.js'

/** One round trip that touches no table: the database answers (readiness, start-up). */
export async function pingDatabase (db: Kysely<DB>): Promise<void> {
  await sql`select 1`.execute(db)
}
