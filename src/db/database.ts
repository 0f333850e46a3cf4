import { mkdirSync } from 'node:fs'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Logger } from 'pino'
import type { DB } from './schema.js'
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js'
import { withStatementCache } from './statement-cache.js'
import { ConnectionGate } from './connection-gate.js'
import { guardPool, type BackgroundPause } from './guarded-pool.js'

// int8 (COUNT(*), bigint ids) comes back as a string by default; our counts fit in a JS number,
// and both engines must return the same types (docs/architecture.md "Storage").
pg.types.setTypeParser(20, (value: string) => Number.parseInt(value, 10))

export interface DatabaseHandle {
  db: Kysely<DB>
  pool: pg.Pool
  engine: 'postgres' | 'pglite'
  /** Background work (runAsBackground) waits while this says so (the process probe, main.ts). */
  pauseBackgroundWhile: (pause: BackgroundPause | undefined) => void
  close: () => Promise<void>
}

/** DATABASE_*_TIMEOUT_MS (docs/operations.md "Database faults"); 0 turns one off. */
export interface DatabaseTimeouts {
  /** Waiting for a new connection or a free one in the pool (pg `connectionTimeoutMillis`). */
  connectMs: number
  /** Server `statement_timeout`, also enforced client-side on background statements. */
  statementMs: number
  /** Closing idle pooled connections, and the server's `idle_in_transaction_session_timeout`. */
  idleMs: number
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = { connectMs: 5_000, statementMs: 30_000, idleMs: 10_000 }

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined
  dataDir: string
  poolSize?: number
  /** Name repeated statements so the server keeps their plans (statement-cache.ts); default on. */
  preparedStatements?: boolean
  timeouts?: Partial<DatabaseTimeouts>
  log?: Logger
}

/** The pool kysely runs on: the same pool, with repeated statements prepared unless turned off. */
function kyselyPool (pool: pg.Pool, options: OpenDatabaseOptions): pg.Pool {
  return options.preparedStatements === false ? pool : withStatementCache(pool)
}

/**
 * Opens PostgreSQL when a URL is given, otherwise the embedded PGlite in `dataDir`.
 * Both are reached only through one pg.Pool and kysely's stock PostgresDialect, so the
 * same SQL, types and error codes serve both (docs/architecture.md "Storage").
 */
export async function openDatabase (options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const timeouts = { ...DEFAULT_DATABASE_TIMEOUTS, ...options.timeouts }
    const raw = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: timeouts.connectMs,
      idleTimeoutMillis: timeouts.idleMs,
      // Server-side: a runaway statement and a session left idle inside a transaction (its
      // process frozen or gone) stop holding locks and a backend (PostgreSQL docs, "Client
      // Connection Defaults"). 0 keeps the server's own setting.
      ...(timeouts.statementMs > 0 ? { statement_timeout: timeouts.statementMs } : {}),
      ...(timeouts.idleMs > 0
        ? { idle_in_transaction_session_timeout: Math.max(timeouts.idleMs, timeouts.statementMs) }
        : {}),
      keepAlive: true
    })
    raw.on('error', (err) => options.log?.warn({ err: { message: err.message, code: (err as { code?: unknown }).code } }, 'idle database client failed'))
    const guard = guardPool(raw, { statementTimeoutMs: timeouts.statementMs, log: options.log })
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: kyselyPool(guard.pool, options) }) })
    return { db, pool: guard.pool, engine: 'postgres', pauseBackgroundWhile: guard.pauseBackgroundWhile, close: once(async () => { await db.destroy() }) }
  }
  return openEmbedded(options)
}

/** Closing twice (a test and its teardown, a signal during shutdown) must be harmless. */
function once (fn: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined
  return () => (closing ??= fn())
}

async function openEmbedded (options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const memory = options.dataDir === 'memory://'
  let lock: DataDirLock | undefined
  if (!memory) {
    mkdirSync(options.dataDir, { recursive: true })
    // A second process opening the same PGlite directory silently loses commits.
    lock = acquireDataDirLock(options.dataDir)
  }
  try {
    const { PGlite } = await import('@electric-sql/pglite')
    const { createPgConfig } = await import('@electric-sql/pglite/node-postgres')
    const pglite = await PGlite.create(memory ? undefined : `${options.dataDir}/pgdata`)
    // Pool size 1 is what serialises transactions on the single embedded connection; a second
    // path into the same PGlite interleaves statements with open transactions.
    const raw = new pg.Pool({ ...createPgConfig(pglite), max: 1 })
    // Requests before background work on that one connection, and the event loop gets a turn
    // between background statements (connection-gate.ts).
    const guard = guardPool(raw, { gate: new ConnectionGate(), statementTimeoutMs: 0, log: options.log })
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: kyselyPool(guard.pool, options) }) })
    return {
      db,
      pool: guard.pool,
      engine: 'pglite',
      pauseBackgroundWhile: guard.pauseBackgroundWhile,
      close: once(async () => {
        await db.destroy()
        await pglite.close()
        lock?.release()
      })
    }
  } catch (err) {
    lock?.release()
    throw err
  }
}
