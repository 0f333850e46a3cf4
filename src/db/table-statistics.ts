import { sql, type Kysely } from 'kysely'
import type { DB } from './schema.js'
import { runAsBackground } from './work-priority.js'

// The planner's statistics kept up with tables that grow fast. PostgreSQL's autovacuum analyzes
// a table once its changes pass a threshold, checking every `autovacuum_naptime` (1 min); the
// embedded PGlite runs PostgreSQL in single-user mode, where no autovacuum runs at all, so
// without this its statistics would stay what they were at the first start: empty.
//
// Why it matters here (bench/findings.md): a prepared statement's generic plan is made once per
// connection, from the statistics of that moment. Planned while `meta_people` was nearly empty,
// the lookup of one person by its primary key tied on cost with an index on (tenant_id, …) and
// took it, so each lookup then walked every row of the tenant: a 10,000-person fan-out ran at
// half speed by its end. ANALYZE updates the statistics and invalidates the plans that depend on
// the table (PostgreSQL docs, "PREPARE": a statement is re-planned when its tables' statistics
// change), so the next execution is planned for the table's real size.

/** Growth, in pages, past the planner's last count that makes a table worth analyzing. */
const GROWTH_FACTOR = 1.2
const GROWTH_MIN_PAGES = 8

/**
 * Ordinary tables whose size on disk has grown past the page count the planner last recorded
 * (`pg_class.relpages`, set by ANALYZE and VACUUM): by a fifth, and by at least 8 pages. One
 * catalog read; the sizes come from the storage manager, not from a scan.
 */
export async function grownTables (db: Kysely<DB>): Promise<string[]> {
  const rows = await sql<{ name: string }>`
    select format('%I.%I', n.nspname, c.relname) as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r'
      and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_%'
      and pg_relation_size(c.oid) / current_setting('block_size')::int
        > greatest(c.relpages * ${GROWTH_FACTOR}::float8, c.relpages + ${GROWTH_MIN_PAGES}::integer)
    order by 1`.execute(db)
  return rows.rows.map((r) => r.name)
}

/**
 * Analyzes one table (a name from `grownTables`, already quoted). A table another session is
 * analyzing or vacuuming (autovacuum, another replica) is skipped after `lockTimeoutMs` rather
 * than waited for: false then.
 */
export async function analyzeTable (db: Kysely<DB>, name: string, lockTimeoutMs: number): Promise<boolean> {
  try {
    await db.transaction().execute(async (trx) => {
      await sql`select set_config('lock_timeout', ${`${lockTimeoutMs}ms`}, true)`.execute(trx)
      await sql`analyze ${sql.raw(name)}`.execute(trx)
    })
    return true
  } catch (err) {
    // 55P03 lock_not_available: someone else holds the table's analyze lock.
    if ((err as { code?: string }).code === '55P03') return false
    throw err
  }
}

interface Log { warn: (obj: object, msg: string) => void, debug: (obj: object, msg: string) => void }

export interface StatisticsKeeperDeps {
  db: Kysely<DB>
  /** How often grown tables are looked for (DATABASE_ANALYZE_INTERVAL_SECONDS); 0 never. */
  intervalMs: number
  lockTimeoutMs?: number
  logger?: Log | undefined
}

/** Looks for grown tables every interval and analyzes them, as background work. */
export class StatisticsKeeper {
  #timer: NodeJS.Timeout | undefined
  #running: Promise<string[]> | undefined

  constructor (private readonly deps: StatisticsKeeperDeps) {}

  start (): void {
    if (this.#timer !== undefined || this.deps.intervalMs <= 0) return
    runAsBackground(() => {
      this.#timer = setInterval(() => { void this.runOnce().catch(() => {}) }, this.deps.intervalMs)
      this.#timer.unref()
    })
  }

  /** One round: the tables analyzed. Never two rounds at once. */
  async runOnce (): Promise<string[]> {
    if (this.#running !== undefined) return await this.#running
    this.#running = this.#round()
    try {
      return await this.#running
    } finally {
      this.#running = undefined
    }
  }

  async #round (): Promise<string[]> {
    const analyzed: string[] = []
    try {
      for (const name of await grownTables(this.deps.db)) {
        if (await analyzeTable(this.deps.db, name, this.deps.lockTimeoutMs ?? 200)) analyzed.push(name)
      }
    } catch (err) {
      this.deps.logger?.warn({ err }, 'table statistics not updated')
    }
    if (analyzed.length > 0) this.deps.logger?.debug({ tables: analyzed }, 'table statistics updated')
    return analyzed
  }

  async stop (): Promise<void> {
    clearInterval(this.#timer)
    this.#timer = undefined
    await this.#running?.catch(() => {})
  }
}
