import { Kysely, PostgresDialect, sql } from 'kysely'
import t from 'tap'
import type { DB } from '../../src/db/schema.js'
import { StatementCache, withStatementCache } from '../../src/db/statement-cache.js'
import { createTestDatabase } from '../helpers/database.js'

/** The names prepared on the connection `run` is given, read on that same connection. */
async function preparedOn (db: Kysely<DB>, run: (conn: Kysely<DB>) => Promise<void>): Promise<Map<string, string>> {
  return db.connection().execute(async (conn) => {
    await run(conn)
    const rows = await sql<{ name: string, statement: string }>`select name, statement from pg_prepared_statements`.execute(conn)
    return new Map(rows.rows.map((r) => [r.name, r.statement]))
  })
}

t.test('a repeated DML text is prepared from its second run; other texts never', async (t) => {
  const database = await createTestDatabase(t)
  const cache = new StatementCache({ threshold: 2, maxStatements: 2 })
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: withStatementCache(database.pool, cache) }) })
  const prepared = await preparedOn(db, async (conn) => {
    const once = await sql<{ n: number }>`select 1 + ${1}::int as n`.execute(conn)
    t.same(once.rows, [{ n: 2 }])
    t.equal(cache.size, 0, 'not named on its first run')
    for (let i = 0; i < 3; i++) t.same((await sql<{ n: number }>`select 1 + ${i}::int as n`.execute(conn)).rows, [{ n: 1 + i }], 'values still bind per run')
    await sql`select 2 as other`.execute(conn)
    for (let i = 0; i < 2; i++) await sql`set local statement_timeout = 0`.execute(conn)
  })
  t.equal(cache.size, 1, 'only the repeated select is named')
  const name = cache.nameFor('select 1 + $1::int as n') as string
  t.equal(prepared.get(name)?.trim(), 'select 1 + $1::int as n', 'the server holds its plan under that name')
  t.notOk([...prepared.values()].some((s) => s.includes('other') || s.includes('statement_timeout')), 'and none of the others')
  t.equal(new StatementCache({ threshold: 1 }).nameFor('select 1 + $1::int as n'), name, 'every cache gives a text the same name')

  const capped = new StatementCache({ threshold: 1, maxStatements: 2 })
  t.ok(capped.nameFor('select 1') && capped.nameFor('select 2'), 'two texts named')
  t.equal(capped.nameFor('select 3'), undefined, 'a third over the cap runs unnamed')
  t.equal(capped.nameFor('begin'), undefined)
  t.equal(capped.nameFor('create table x (a int)'), undefined, 'DDL is never named')
})

t.test('a schema change under a cached select * is retried unnamed outside a transaction, and surfaces inside one', async (t) => {
  const database = await createTestDatabase(t)
  const cache = new StatementCache({ threshold: 1 })
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: withStatementCache(database.pool, cache) }) })
  await sql`create table cache_probe (a int)`.execute(database.db)
  await sql`insert into cache_probe values (1)`.execute(database.db)
  await db.connection().execute(async (conn) => {
    t.same((await sql`select * from cache_probe`.execute(conn)).rows, [{ a: 1 }])
    t.equal(cache.size, 1)
    // Another replica's migration: on PGlite the same (only) session, on PostgreSQL the same too.
    await sql`alter table cache_probe add column b int default 7`.execute(conn)
    t.same((await sql`select * from cache_probe`.execute(conn)).rows, [{ a: 1, b: 7 }], 'retried unnamed: the new column is there')
    t.equal(cache.size, 0, 'and the text is never named again')
  })

  await sql`select * from cache_probe where a = ${1}`.execute(db)
  await sql`alter table cache_probe add column c int default 8`.execute(database.db)
  const inside = db.transaction().execute(async (trx) => {
    await sql`select * from cache_probe where a = ${1}`.execute(trx)
  })
  if (database.engine === 'pglite') {
    // One session: the statement prepared above meets the change inside the transaction.
    await t.rejects(inside, { code: '0A000' }, 'inside a transaction the error surfaces (the transaction is aborted)')
  } else {
    // Another pooled session may have prepared nothing yet; either way the transaction may not be retried.
    await inside.catch((err: { code?: string }) => t.equal(err.code, '0A000'))
  }
  t.same((await sql`select * from cache_probe where a = ${1}`.execute(db)).rows, [{ a: 1, b: 7, c: 8 }], 'the next run works')
})

t.test('DATABASE_PREPARED_STATEMENTS=false leaves every statement unnamed', async (t) => {
  const database = await createTestDatabase(t)
  const prepared = await preparedOn(database.db, async (conn) => {
    for (let i = 0; i < 3; i++) await sql`select ${i}::int as n`.execute(conn)
  })
  t.ok([...prepared.values()].some((s) => s.includes('select $1::int as n')), 'the service default prepares')
  const { openDatabase } = await import('../../src/db/database.js')
  if (database.url === undefined) {
    t.comment('the embedded engine has one connection; the off switch is shown on PostgreSQL')
    return
  }
  const off = await openDatabase({ databaseUrl: database.url, dataDir: '', preparedStatements: false })
  t.teardown(() => off.close())
  const none = await preparedOn(off.db, async (conn) => {
    for (let i = 0; i < 3; i++) await sql`select ${i}::int as n`.execute(conn)
  })
  t.equal(none.size, 0, 'nothing prepared')
})
