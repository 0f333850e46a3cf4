import { mkdirSync } from 'node:fs'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Logger } from 'pino'
import type { DB } from './schema.js'
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js'
import { withStatementCache } from './statement-cache.js'

// int8 (COUNT(*), bigint ids) comes back as a string by default; our counts fit in a JS number,
// and both engines must return the same types (docs/architecture.md "Storage").
pg.types.setTypeParser(20, (value: string) => Number.parseInt(value, 10))

export interface DatabaseHandle {
  db: Kysely<DB>
  pool: pg.Pool
  engine: 'postgres' | 'pglite'
  close: () => Promise<void>
}

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined
  dataDir: string
  poolSize?: number
  /** Name repeated statements so the server keeps their plans (statement-cache.ts); default on. */
  preparedStatements?: boolean
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
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 })
    pool.on('error', (err) => options.log?.error({ err }, 'idle database client failed'))
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: kyselyPool(pool, options) }) })
    return { db, pool, engine: 'postgres', close: once(async () => { await db.destroy() }) }
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
    const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 })
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: kyselyPool(pool, options) }) })
    return {
      db,
      pool,
      engine: 'pglite',
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
