import { createHash } from 'node:crypto'
import type pg from 'pg'

/**
 * Server-side prepared statements for the statements this process sends again and again.
 *
 * kysely sends every statement unnamed, so PostgreSQL parses, analyses and plans it on every
 * execution. For the SCIM hot path (one statement reading a user with its groups and Meta state
 * as correlated subqueries) that planning costs more than the execution: measured on the bench
 * machine, the same statement named reached 2.3× (PostgreSQL) and 3× (PGlite) the throughput of
 * it unnamed (bench/findings.md §1). With a name, node-postgres sends Parse once per connection
 * and only Bind/Execute afterwards, and PostgreSQL keeps the plan (PostgreSQL docs, "PREPARE":
 * custom plans for the first five executions, then a generic plan when it is not costlier).
 *
 * What is named, and what bounds it:
 * - only DML (select, insert, update, delete, with), never transaction control or DDL;
 * - a text is named on its second execution (like pgJDBC's prepareThreshold), so one-off
 *   statements (a migration, an ad-hoc filter shape) never occupy the server's memory;
 * - at most `maxStatements` names per process, hence per connection; texts after that run
 *   unnamed as before. The names are the same on every connection of the pool.
 *
 * A schema change by another replica (a rolling upgrade adding a column) makes PostgreSQL
 * refuse a cached `select *` plan ("cached plan must not change result type", SQLSTATE 0A000).
 * That text is then never named again; outside a transaction the statement is retried unnamed at
 * once, inside one the error surfaces as any other (the transaction is already aborted).
 *
 * PgBouncer in transaction pooling mode before 1.21 does not support named statements: there,
 * DATABASE_PREPARED_STATEMENTS=false turns this off (docs/operations.md).
 */
export interface StatementCacheOptions {
  maxStatements: number
  /** Executions of a text before it is named. */
  threshold: number
}

const DEFAULTS: StatementCacheOptions = { maxStatements: 200, threshold: 2 }
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i
/** Texts counted towards the threshold; the counts are dropped when this many accumulate. */
const MAX_COUNTED = 2000

export class StatementCache {
  readonly #names = new Map<string, string>()
  readonly #counts = new Map<string, number>()
  readonly #retired = new Set<string>()
  readonly #options: StatementCacheOptions

  constructor (options: Partial<StatementCacheOptions> = {}) {
    this.#options = { ...DEFAULTS, ...options }
  }

  /** The statement name for `text`, when it is (now) worth preparing. */
  nameFor (text: string): string | undefined {
    const name = this.#names.get(text)
    if (name !== undefined) return name
    if (
      this.#names.size >= this.#options.maxStatements || this.#retired.has(text) || !PREPARABLE.test(text)
    ) return undefined
    const count = (this.#counts.get(text) ?? 0) + 1
    if (count < this.#options.threshold) {
      if (this.#counts.size >= MAX_COUNTED) this.#counts.clear()
      this.#counts.set(text, count)
      return undefined
    }
    this.#counts.delete(text)
    // Named by the text's hash: node-postgres refuses one name for two texts on a connection,
    // and every cache on the pool (a test's, the service's) agrees on the name of a text.
    const fresh = `smb_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`
    this.#names.set(text, fresh)
    return fresh
  }

  /** The server refused the cached plan: run `text` unnamed from now on. */
  retire (text: string): void {
    this.#names.delete(text)
    this.#retired.add(text)
  }

  get size (): number {
    return this.#names.size
  }
}

/** PostgreSQL's refusal to reuse a plan whose result columns changed (plancache.c). */
export function isStalePlan (err: unknown): boolean {
  const e = err as { code?: unknown, message?: unknown }
  return e.code === '0A000' && typeof e.message === 'string' && e.message.includes('cached plan must not change result type')
}

/** kysely's transaction control texts (PostgresDriver): begin / start transaction, commit, rollback. */
function transactionEffect (text: string): 'open' | 'close' | undefined {
  const head = text.trimStart().slice(0, 18).toLowerCase()
  if (head.startsWith('begin') || head.startsWith('start transaction')) return 'open'
  if (head === 'commit' || head === 'rollback' || head.startsWith('commit ') || (head.startsWith('rollback') && !head.startsWith('rollback to'))) return 'close'
  return undefined
}

type QueryResult = pg.QueryResult<pg.QueryResultRow>

function cachingClient (
  client: pg.PoolClient, cache: StatementCache, inTransaction: WeakMap<pg.PoolClient, boolean>
): pg.PoolClient {
  const run = async (text: string, values: unknown[]): Promise<QueryResult> => {
    const effect = transactionEffect(text)
    if (effect !== undefined) {
      inTransaction.set(client, effect === 'open')
      return client.query(text, values)
    }
    const name = cache.nameFor(text)
    if (name === undefined) return client.query(text, values)
    try {
      return await client.query({ name, text, values })
    } catch (err) {
      if (!isStalePlan(err)) throw err
      cache.retire(text)
      if (inTransaction.get(client) === true) throw err
      return client.query(text, values)
    }
  }
  return new Proxy(client, {
    get (target, property) {
      if (property === 'query') {
        return (first: unknown, second?: unknown) => typeof first === 'string' && Array.isArray(second)
          ? run(first, second)
          : (target.query as (...args: unknown[]) => unknown)(first, second)
      }
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    }
  })
}

/**
 * The pool as kysely sees it: connections whose `query(text, values)` goes through the cache.
 * Other users of the pool (pg-boss, health checks) reach the pool itself and are unaffected.
 */
export function withStatementCache (pool: pg.Pool, cache: StatementCache = new StatementCache()): pg.Pool {
  const inTransaction = new WeakMap<pg.PoolClient, boolean>()
  return new Proxy(pool, {
    get (target, property) {
      if (property === 'connect') {
        return async () => cachingClient(await target.connect(), cache, inTransaction)
      }
      const value: unknown = Reflect.get(target, property, target)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    }
  })
}
