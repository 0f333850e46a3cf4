import t from 'tap'
import { sql } from 'kysely'
import { openDatabase } from '../../src/db/database.js'
import { migrateToLatest, pendingMigrations } from '../../src/db/migrate.js'
import { migrations } from '../../migrations/index.js'
import { createServerDatabase, createTestDatabase, testDatabaseUrl } from '../helpers/database.js'

t.test('migrations apply fully and a second run is a no-op', async (t) => {
  const { db } = await createTestDatabase(t)
  t.same(await pendingMigrations(db), [])
  const again = await migrateToLatest(db)
  t.same(again.results, [], 'nothing applied twice')
  const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)
  t.same(applied.rows.map((r) => r.name), Object.keys(migrations))
})

t.test('registry names sort in the order they are listed', async (t) => {
  const names = Object.keys(migrations)
  t.same(names, [...names].sort())
})

t.test('replicas starting together on PostgreSQL apply each migration exactly once', { skip: testDatabaseUrl ? false : 'needs TEST_DATABASE_URL (runs in CI on the server)' }, async (t) => {
  const url = await createServerDatabase(t)
  const replicas = await Promise.all(Array.from({ length: 5 }, () => openDatabase({ databaseUrl: url, dataDir: '', poolSize: 2 })))
  t.teardown(() => Promise.all(replicas.map((r) => r.close())))
  const results = await Promise.all(replicas.map((r) => migrateToLatest(r.db)))
  const appliedCounts = results.map((r) => (r.results ?? []).filter((m) => m.status === 'Success').length)
  t.equal(appliedCounts.reduce((a, b) => a + b, 0), Object.keys(migrations).length, 'each migration applied once in total')
  const rows = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(replicas[0]!.db)
  t.equal(rows.rows[0]?.n, Object.keys(migrations).length)
})
