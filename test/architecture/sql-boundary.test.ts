import t from 'tap'
import { repoRoot } from '../helpers/child-process.js'
import { readSources, sqlBoundaryViolations } from '../helpers/sql-boundary.js'

// docs/architecture.md "Where SQL lives": queries are built only in `*-repository.ts` files,
// in the private `*-sql.ts` helpers that only repositories import, and in src/db/.

t.test('no query is built outside a repository, and only repositories import *-sql.ts', async (t) => {
  const files = readSources(repoRoot, 'src')
  t.ok(files.length > 100, `read the source tree (${files.length} files)`)
  t.same(sqlBoundaryViolations(files), [])
})

t.test('the check sees each kind of breach', async (t) => {
  const route = {
    path: 'src/admin/planted-routes.ts',
    text: [
      "import { sql, type Kysely } from 'kysely'",
      "import { filterToSql } from '../directory/filter-sql.js'",
      'export const a = (db: Kysely<any>) => db.selectFrom("users").selectAll()',
      'export const b = (trx: any) => trx.deleteFrom("users")',
      'export const c = sql<number>`select 1`',
      'export const d = (db: any) => db.with("x", (q: any) => q).insertInto("t")'
    ].join('\n')
  }
  t.same(sqlBoundaryViolations([route]), [
    "src/admin/planted-routes.ts:1: imports kysely's sql template outside a repository",
    'src/admin/planted-routes.ts:2: imports src/directory/filter-sql.ts, a SQL helper private to repositories',
    'src/admin/planted-routes.ts:3: builds a query (.selectFrom) outside a repository',
    'src/admin/planted-routes.ts:4: builds a query (.deleteFrom) outside a repository',
    'src/admin/planted-routes.ts:5: writes a sql`…` template outside a repository',
    'src/admin/planted-routes.ts:6: builds a query (.insertInto) outside a repository',
    'src/admin/planted-routes.ts:6: builds a query (.with) outside a repository'
  ])
})

t.test('repositories, SQL helpers and src/db may build queries; types and transactions are free', async (t) => {
  const lines = (...l: string[]): string => l.join('\n')
  const allowed = [
    {
      path: 'src/directory/users-repository.ts',
      text: lines("import { sql } from 'kysely'", "import { f } from './filter-sql.js'",
        "export const q = (db: any) => db.selectFrom('users').where(sql`true`)")
    },
    {
      path: 'src/directory/sort-sql.ts',
      text: lines("import { sql } from 'kysely'", "import type { T } from './filter-sql.js'", 'export const s = sql`x`')
    },
    {
      path: 'src/db/ping.ts',
      text: lines("import { sql } from 'kysely'", 'export const ping = (db: any) => sql`select 1`.execute(db)')
    },
    {
      path: 'src/admin/routes.ts',
      text: lines("import { type Kysely, type Transaction } from 'kysely'", "import type { sql } from 'kysely'",
        "// db.selectFrom('users') in a comment",
        'export const go = (db: Kysely<any>) => db.transaction().execute(async (trx: Transaction<any>) => trx)',
        "export const text = 'db.deleteFrom(x)'")
    }
  ]
  t.same(sqlBoundaryViolations(allowed), [])
})
