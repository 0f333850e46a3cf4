import t from 'tap'
import { randomUUID } from 'node:crypto'
import { StatisticsKeeper, grownTables } from '../../src/db/table-statistics.js'
import { insertTenant } from '../../src/tenants/tenants-repository.js'
import { createTestDatabase } from '../helpers/database.js'

// A prepared statement's generic plan is made from the statistics of its moment. Planned while
// meta_people was empty, the primary-key lookup of one person lost a cost tie to another
// (tenant_id, …) index and then walked every row of the tenant; the keeper's ANALYZE makes the
// next execution plan for the table's real size. Checked on the real schema, through one
// connection holding a prepared statement, as the pool's connections do.

t.test('a lookup planned on an empty table is planned again for its real size once the keeper runs', async (t) => {
  const { db, pool } = await createTestDatabase(t)
  const tenantId = (await insertTenant(db, 'acme')).id
  const keeper = new StatisticsKeeper({ db, intervalMs: 0 })
  await keeper.runOnce()
  // The embedded database has one connection: the statement's connection is lent back to the
  // pool while the keeper runs and taken again after (the pool lends the last one returned).
  let client = await pool.connect()
  const pid = async (): Promise<unknown> => (await client.query('select pg_backend_pid() as pid')).rows[0]?.pid
  const backend = await pid()
  await client.query('prepare person (uuid, uuid) as select * from meta_people where tenant_id = $1 and user_id = $2')
  // Past the five custom plans after which PostgreSQL settles on the generic one.
  // EXECUTE takes no bind parameters: the ids are written in (uuids made here).
  const args = (): string => `('${tenantId}', '${randomUUID()}')`
  for (let i = 0; i < 8; i++) await client.query(`execute person ${args()}`)
  await client.query(`insert into meta_people (tenant_id, user_id, state, email, assets)
    select $1::uuid, gen_random_uuid(), 'invited', 'p' || i || '@example.com', '[]'
    from generate_series(1, 5000) as i`, [tenantId])
  const plan = async (): Promise<string> => (await client.query(`explain execute person ${args()}`)).rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n')
  const before = await plan()
  client.release()

  t.ok((await grownTables(db)).includes('public.meta_people'), 'the table is seen to have grown')
  const analyzed = await keeper.runOnce()
  t.ok(analyzed.includes('public.meta_people'), 'and is analyzed')
  t.notOk(analyzed.includes('public.tenants'), 'a table that did not grow is left alone')

  client = await pool.connect()
  t.equal(await pid(), backend, 'the same connection, with its prepared statement')
  const after = await plan()
  t.match(after, /meta_people_pkey/, 'the lookup now uses the primary key')
  t.notMatch(after, /Filter: \(user_id/, 'and no longer filters the tenant\'s rows one by one')
  t.not(after, before, 'the plan changed')
  client.release()
  t.notOk((await grownTables(db)).includes('public.meta_people'), 'nothing left to do until it grows again')
  t.same(await keeper.runOnce(), [], 'a second round analyzes nothing')
})

t.test('no interval, no timer; stop waits for a round in flight', async (t) => {
  const { db } = await createTestDatabase(t)
  const keeper = new StatisticsKeeper({ db, intervalMs: 0 })
  keeper.start()
  const round = keeper.runOnce()
  await keeper.stop()
  t.ok(Array.isArray(await round))
})
