import t from 'tap'
import { sql } from 'kysely'
import { buildTestApp } from '../helpers/app.js'

t.test('healthz answers 200 while the process runs', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
})

t.test('readyz is 200 when the database answers and migrations are applied', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ready' })
})

t.test('readyz is 503 with a reason when a migration is not applied', async (t) => {
  const { app, db } = await buildTestApp(t)
  const row = await db.selectFrom('kysely_migration' as never).select(sql<string>`max(name)`.as('name')).executeTakeFirstOrThrow() as { name: string }
  await sql`delete from kysely_migration where name = ${row.name}`.execute(db)
  const res = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(res.statusCode, 503)
  t.match(res.json(), { status: 'unavailable', reason: new RegExp(`migrations pending: .*${row.name}`) })
})

t.test('readyz is 503 when the database is gone, healthz stays 200', async (t) => {
  const { app, database } = await buildTestApp(t)
  await database.close()
  const res = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(res.statusCode, 503)
  t.match(res.json(), { status: 'unavailable', reason: /^database: / })
  const live = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(live.statusCode, 200)
})
