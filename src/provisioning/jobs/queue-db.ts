import type pg from 'pg'
import type { Db } from 'pg-boss'

/**
 * pg-boss's `db` over the application's own pool (docs/architecture.md "Storage"): on PGlite the pool of
 * one connection is the only path into the database, so queue statements queue behind open
 * transactions instead of running inside them.
 *
 * Two things pg-boss's own pool does that a plain `pool.query` would not:
 * - a multi-statement text (pg-boss's `BEGIN; …; COMMIT;` blocks) answers with every
 *   statement's rows, flattened (pg-boss asserts on rows of middle statements);
 * - a failed block leaves its connection inside an aborted transaction; on PGlite that one
 *   connection is everybody's, so it is rolled back before it goes back to the pool.
 */
export function poolDatabase (pool: pg.Pool): Db {
  return {
    async executeSql (text: string, values?: unknown[]) {
      const client = await pool.connect()
      try {
        const result: pg.QueryResult | pg.QueryResult[] = await client.query(text, values)
        if (Array.isArray(result)) return { rows: result.flatMap((r) => r.rows ?? []) }
        return { rows: result.rows }
      } catch (err) {
        if (values === undefined || values.length === 0) await client.query('ROLLBACK').catch(() => {})
        throw err
      } finally {
        client.release()
      }
    }
  }
}
