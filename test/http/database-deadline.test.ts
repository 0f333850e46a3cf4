import t from 'tap'
import { sql, type Kysely } from 'kysely'
import type { DB } from '../../src/db/schema.js'
import { buildTestApp } from '../helpers/app.js'
import { adminClient, adminEnv } from '../helpers/admin.js'
import { isDatabaseUnavailable, DatabaseUnavailableError } from '../../src/db/database-unavailable.js'

// A database that does not answer in time: another session holds a lock the request needs
// (on the embedded database, the one connection). The request must end at its deadline with
// 503 + Retry-After in its API's error format and write nothing. Runs on both engines.

const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error'
const env = { ...adminEnv, DATABASE_REQUEST_DEADLINE_MS: '300' }

/** Holds `lock table … in access exclusive mode` until the returned function is called. */
async function holdTable (db: Kysely<DB>, table: string): Promise<() => Promise<void>> {
  let release = (): void => {}
  const released = new Promise<void>((resolve) => { release = resolve })
  let locked = (): void => {}
  const isLocked = new Promise<void>((resolve) => { locked = resolve })
  const done = db.transaction().execute(async (trx) => {
    await sql`lock table ${sql.table(table)} in access exclusive mode`.execute(trx)
    locked()
    await released
  })
  await isLocked
  return async () => { release(); await done }
}

t.test('a SCIM write past its database deadline is 503 with Retry-After, a SCIM body and nothing written', async (t) => {
  const { app, db, headers } = await buildTestApp(t, { env })
  const created = await app.inject({ method: 'POST', url: '/scim/v2/Groups', headers, payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Before' } })
  t.equal(created.statusCode, 201)
  const id = (created.json() as { id: string }).id

  const release = await holdTable(db, 'groups')
  const res = await app.inject({
    method: 'PATCH',
    url: `/scim/v2/Groups/${id}`,
    headers,
    payload: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'displayName', value: 'After' }] }
  })
  await release()
  t.equal(res.statusCode, 503)
  t.match(res.headers['retry-after'], /^\d+$/)
  t.match(res.headers['content-type'], /^application\/scim\+json/)
  t.match(res.json(), { schemas: [ERROR_SCHEMA], status: '503' })

  const after = await app.inject({ method: 'GET', url: `/scim/v2/Groups/${id}`, headers })
  t.equal(after.statusCode, 200, 'served again once the lock is gone')
  t.equal((after.json() as { displayName: string }).displayName, 'Before', 'the cut-off write left nothing behind')
})

t.test('an admin request past its deadline is 503 with Retry-After and a JSON body', async (t) => {
  const { app, db } = await buildTestApp(t, { env })
  const admin = adminClient(app)
  t.equal((await admin.get('/tenants')).statusCode, 200)
  const release = await holdTable(db, 'tenants')
  const res = await admin.get('/tenants')
  await release()
  t.equal(res.statusCode, 503)
  t.match(res.headers['retry-after'], /^\d+$/)
  t.match(res.json(), { error: 'service_unavailable', status: 503 })
  t.equal((await admin.get('/tenants')).statusCode, 200)
})

t.test('what counts as the database being unavailable', async (t) => {
  const unavailable = [
    new DatabaseUnavailableError('x'),
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    Object.assign(new AggregateError([Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })], 'all failed'), {}),
    Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
    Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
    Object.assign(new Error('connection failure'), { code: '08006' }),
    new Error('Connection terminated unexpectedly'),
    new Error('timeout exceeded when trying to connect'),
    new Error('wrapped', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) })
  ]
  for (const err of unavailable) t.ok(isDatabaseUnavailable(err), err.message)
  const not = [
    Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }),
    Object.assign(new Error('invalid input syntax for type uuid'), { code: '22P02' }),
    new Error('something else'),
    'ECONNREFUSED',
    null
  ]
  for (const err of not) t.notOk(isDatabaseUnavailable(err), String(err))
})
