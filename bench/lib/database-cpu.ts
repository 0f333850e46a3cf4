import { readFileSync } from 'node:fs'
import pg from 'pg'
import { sql } from 'kysely'
import type { DatabaseHandle } from '../../src/db/database.js'

/**
 * CPU time of the PostgreSQL backends serving this process's database, read from /proc (the
 * server on this host; 1/100 s ticks). Background processes (WAL writer, autovacuum) are not
 * included. 0 on PGlite, whose work is this process's own CPU.
 */
export async function databaseCpuMicros (handle: DatabaseHandle): Promise<number> {
  if (handle.engine !== 'postgres') return 0
  const backends = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(handle.db)
  let ticks = 0
  for (const { pid } of backends.rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {}
  }
  return ticks * 10_000
}

// The SQL statements this process has sent, counted at pg.Client#query (both engines go through
// pg.Pool): patched once, when this module is first imported.
let statements = 0
const clientQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements++
  return clientQuery.apply(this, args)
} as typeof pg.Client.prototype.query

export function statementsSent (): number {
  return statements
}
