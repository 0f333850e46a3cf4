import t from 'tap'
import { sql } from 'kysely'
import { listPeople } from '../../src/admin/people-query.js'
import { listUnmatchedPeople } from '../../src/sync/unmatched-repository.js'
import { insertTenant } from '../../src/tenants/tenants-repository.js'
import { createTestDatabase } from '../helpers/database.js'

// The console's people lists at 100,000 users on the test database: each page is bounded by
// an index (the plans say so), whatever the filter. Plans, not timings: a shared CI machine
// must not make this flaky.

const USERS = 100_000

t.test('people lists at 100k users use indexes', async (t) => {
  const { db } = await createTestDatabase(t)
  const tenant = await insertTenant(db, 'big')
  await sql`insert into users (tenant_id, user_name, data)
    select ${tenant.id}, 'user' || lpad(g::text, 6, '0') || '@example.com', '{}'::jsonb from generate_series(1, ${USERS}) g`.execute(db)
  await sql`insert into meta_people (tenant_id, user_id, email, state, assets, last_error, created_at, updated_at)
    select tenant_id, id, user_name, case when random() < 0.01 then 'failed' else 'member' end, '[]'::jsonb,
      case when random() < 0.01 then 'boom' else null end, now(), now()
    from users where tenant_id = ${tenant.id}`.execute(db)
  await sql`insert into meta_directory_people (tenant_id, kind, meta_id, email)
    select ${tenant.id}, 'member', g::text, 'stranger' || g || '@example.com' from generate_series(1, 2000) g`.execute(db)
  await sql`analyze`.execute(db)

  const explain = async (query: { compile: () => { sql: string, parameters: readonly unknown[] } }) => {
    const c = query.compile()
    const rows = await sql<{ 'QUERY PLAN': string }>`explain ${sql.raw(c.sql.replace(/\$(\d+)/g, (_, i: string) => {
      const v = c.parameters[Number(i) - 1]
      return typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`
    }))}`.execute(db)
    return rows.rows.map((r) => r['QUERY PLAN']).join('\n')
  }
  // The page query itself, as listPeople builds it (first page, text prefix).
  const page = db.selectFrom('users as u')
    .leftJoin('meta_people as mp', (j) => j.onRef('mp.tenant_id', '=', 'u.tenant_id').onRef('mp.user_id', '=', 'u.id'))
    .where('u.tenant_id', '=', tenant.id)
    .where(sql<boolean>`lower(u.user_name) like ${'user0421%'}`)
    .select(['u.id']).orderBy(sql`lower(u.user_name)`).orderBy('u.id').limit(50)
  const plan = await explain(page)
  t.match(plan, /users_user_name_pattern|users_user_name_lower/, 'the text filter uses a userName index')
  t.notMatch(plan, /Seq Scan on users/, 'no scan of all users')

  const firstPage = db.selectFrom('users as u').where('u.tenant_id', '=', tenant.id)
    .select(['u.id']).orderBy(sql`lower(u.user_name)`).orderBy('u.id').limit(50)
  t.notMatch(await explain(firstPage), /Seq Scan on users/, 'the unfiltered first page reads the index in order')

  const started = Date.now()
  const first = await listPeople(db, tenant.id, { limit: 50, offset: 0 })
  t.equal(first.total, USERS)
  t.equal(first.rows.length, 50)
  const prefix = await listPeople(db, tenant.id, { limit: 50, offset: 0, text: 'USER04210' })
  t.equal(prefix.total, 10, 'prefix match ignores case')
  const errors = await listPeople(db, tenant.id, { limit: 50, offset: 0, hasError: true })
  t.ok(errors.total > 0 && errors.rows.every((r) => r.observed.lastError !== null), 'only people with errors')
  const unmatched = await listUnmatchedPeople(db, tenant.id, { limit: 50, offset: 1950 })
  t.equal(unmatched.total, 2000)
  t.equal(unmatched.rows.length, 50)
  t.comment(`four pages at ${USERS} users: ${Date.now() - started} ms`)
})
