import type { Kysely } from 'kysely'
import type { DB } from './schema.js'
import { Migrator, type MigrationResultSet } from 'kysely/migration'
import { migrations } from '../../migrations/index.js'

export class MigrationFailedError extends Error {
  override name = 'MigrationFailedError'
}

function migratorFor (db: Kysely<DB>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations }
  })
}

/**
 * Applies every pending migration. kysely's Postgres adapter holds a transaction-scoped
 * advisory lock around the run, so replicas that start together apply each migration once.
 */
export async function migrateToLatest (db: Kysely<DB>): Promise<MigrationResultSet> {
  const result = await migratorFor(db).migrateToLatest()
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName
    // No failed migration means none ran: the database itself refused (unreachable, no rights).
    const what = failed === undefined ? 'migrations could not run' : `migration ${failed} failed`
    throw new MigrationFailedError(`${what}: ${String(result.error)}`, { cause: result.error })
  }
  return result
}

/** Names of migrations the code knows that the database has not applied yet. */
export async function pendingMigrations (db: Kysely<DB>): Promise<string[]> {
  const list = await migratorFor(db).getMigrations()
  return list.filter((m) => m.executedAt === undefined).map((m) => m.name)
}
