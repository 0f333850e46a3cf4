import t from 'tap'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import pino from 'pino'
import type { DB } from '../../src/db/schema.js'
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
  t.same(res.json(), { status: 'unavailable', reason: 'database unavailable' })
  const live = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(live.statusCode, 200)
})

t.test('readyz tells an unauthenticated caller nothing of the database; the log has the cause', async (t) => {
  const lines: string[] = []
  const logger = pino({ level: 'info' }, { write: (line: string) => { lines.push(line) } })
  // A server that refuses connections: the driver's message names its host and port.
  const unreachable = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ host: '127.0.0.1', port: 1, user: 'secret_user', connectionTimeoutMillis: 1000 }) }) })
  t.teardown(() => unreachable.destroy())
  const { app } = await buildTestApp(t, { deps: { db: unreachable, logger } })
  const res = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(res.statusCode, 503)
  t.same(res.json(), { status: 'unavailable', reason: 'database unavailable' })
  t.notMatch(res.body, /127\.0\.0\.1|:1\b|secret_user|ECONNREFUSED/)
  t.ok(lines.some((l) => l.includes('ECONNREFUSED')), 'the cause is logged')
})
