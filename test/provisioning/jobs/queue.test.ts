import t from 'tap'
import { Kysely, PostgresDialect, sql } from 'kysely'
import type { DB } from '../../../src/db/schema.js'
import { fromKysely } from 'pg-boss'
import pino from 'pino'
import { createSecretBox } from '../../../src/crypto/secret-box.js'
import { createGroupsService } from '../../../src/directory/groups-service.js'
import { createUsersService } from '../../../src/directory/users-service.js'
import { queueAccessChanges } from '../../../src/provisioning/adapters/access-change-sink.js'
import { RECONCILE_QUEUE, reconcileKey } from '../../../src/provisioning/jobs/queue.js'
import { startProvisioning } from '../../../src/provisioning/runtime.js'
import { insertTenant } from '../../../src/tenants/tenants-repository.js'
import { testConfig } from '../../helpers/app.js'
import { createTestDatabase } from '../../helpers/database.js'

// The queue as docs/architecture.md "Storage" prescribes it: pg-boss on the application's pool, jobs
// enqueued inside the SCIM transaction, one pending job per person, bulk enqueue in one statement.

const database = await createTestDatabase(t)
const runtime = await startProvisioning({
  config: testConfig(), database, logger: pino({ level: 'silent' }), runWorker: false, supervise: false, box: createSecretBox(Buffer.alloc(32))
})
t.teardown(() => runtime.stop())
const { boss, queue } = runtime
const db = database.db

async function jobs (key?: string) {
  let q = db.selectFrom(sql`pgboss.job`.as('j')).select([sql<string>`j.singleton_key`.as('key'), sql<string>`j.state::text`.as('state'), sql<unknown>`j.data`.as('data')])
    .where(sql<boolean>`j.name = ${RECONCILE_QUEUE}`)
  if (key !== undefined) q = q.where(sql<boolean>`j.singleton_key = ${key}`)
  return await q.execute()
}

async function users (tenantId: string, n: number): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    insert into users (tenant_id, user_name, data)
    select ${tenantId}::uuid, 'u' || i || '@example.com', jsonb_build_object('userName', 'u' || i || '@example.com')
    from generate_series(1, ${n}::int) i returning id`.execute(db)
  return rows.rows.map((r) => r.id)
}

t.test('enqueued in the caller transaction: rollback drops it, commit keeps it', async (t) => {
  const tenant = await insertTenant(db, 'tx')
  const [a, b] = await users(tenant.id, 2) as [string, string]
  await t.rejects(db.transaction().execute(async (trx) => {
    await queue.enqueueUsers(trx, tenant.id, [a], 'test')
    throw new Error('rollback')
  }), /rollback/)
  t.same(await jobs(reconcileKey(tenant.id, a)), [], 'rolled back with the write')
  await db.transaction().execute(async (trx) => { await queue.enqueueUsers(trx, tenant.id, [b], 'test') })
  t.match(await jobs(reconcileKey(tenant.id, b)), [{ state: 'created', data: { tenantId: tenant.id, userId: b, reason: 'test' } }])
})

t.test('writes coalesce; a write during a run yields exactly one more run', async (t) => {
  const tenant = await insertTenant(db, 'coalesce')
  const [a] = await users(tenant.id, 1) as [string]
  const key = reconcileKey(tenant.id, a)
  await boss.deleteQueuedJobs(RECONCILE_QUEUE) // jobs other tests left
  for (let i = 0; i < 5; i++) await db.transaction().execute(async (trx) => { await queue.enqueueUsers(trx, tenant.id, [a], `write ${i}`) })
  t.equal((await jobs(key)).length, 1, 'five writes, one pending job')
  const [active] = await boss.fetch(RECONCILE_QUEUE, { batchSize: 10 })
  t.equal((active?.data as { userId?: string }).userId, a)
  for (let i = 0; i < 3; i++) await db.transaction().execute(async (trx) => { await queue.enqueueUsers(trx, tenant.id, [a], `during ${i}`) })
  t.same((await jobs(key)).map((j) => j.state).sort(), ['active', 'created'], 'one more job, however many writes during the run')
  t.same(await boss.fetch(RECONCILE_QUEUE, { batchSize: 10 }), [], 'not run concurrently with the active one')
  await boss.complete(RECONCILE_QUEUE, active!.id)
  const next = await boss.fetch(RECONCILE_QUEUE, { batchSize: 10 })
  t.equal(next.length, 1, 'runs after it')
  await boss.complete(RECONCILE_QUEUE, next[0]!.id)
  t.same(await boss.fetch(RECONCILE_QUEUE, { batchSize: 10 }), [], 'and nothing after that')
})

t.test('bulk INSERT … SELECT makes the same jobs as pg-boss insert()', async (t) => {
  const tenant = await insertTenant(db, 'same')
  const [a, b] = await users(tenant.id, 2) as [string, string]
  await db.transaction().execute(async (trx) => {
    await queue.boss.insert(RECONCILE_QUEUE, [{ data: { tenantId: tenant.id, userId: a, reason: 'api' }, singletonKey: reconcileKey(tenant.id, a) }], { db: fromKysely(trx) })
  })
  await sql`insert into groups (tenant_id, display_name, data) values (${tenant.id}::uuid, 'g', '{}'::jsonb)`.execute(db)
  const group = await db.selectFrom('groups').select('id').where('tenant_id', '=', tenant.id).executeTakeFirstOrThrow()
  await sql`insert into group_members (tenant_id, group_id, member_id) values (${tenant.id}::uuid, ${group.id}::uuid, ${b}::uuid)`.execute(db)
  await db.transaction().execute(async (trx) => { await queue.enqueueGroupMembers(trx, tenant.id, group.id, 'api') })
  const rows = await sql<Record<string, unknown>>`
    select singleton_key, name, priority, state::text, retry_limit, retry_delay, retry_backoff, retry_delay_max, expire_seconds,
      deletion_seconds, heartbeat_seconds, dead_letter, policy, blocked, blocking, pending_dependencies, group_id,
      extract(epoch from keep_until - start_after)::int as retention, data - 'userId' as data
    from pgboss.job where singleton_key in (${reconcileKey(tenant.id, a)}, ${reconcileKey(tenant.id, b)}) order by singleton_key = ${reconcileKey(tenant.id, a)} desc`.execute(db)
  const [viaApi, viaSql] = rows.rows as [Record<string, unknown>, Record<string, unknown>]
  t.same({ ...viaSql, singleton_key: null }, { ...viaApi, singleton_key: null }, 'every column pg-boss reads is the same')
  await db.transaction().execute(async (trx) => { await queue.enqueueUsers(trx, tenant.id, [b, b], 'api') })
  const keys = await sql<{ n: number }>`select count(*)::int as n from pgboss.job where singleton_key = ${reconcileKey(tenant.id, b)} and state = 'created'`.execute(db)
  t.equal(keys.rows[0]?.n, 1, 'enqueueUsers (the same SQL path, ids as an array) coalesces into the one queued job')
})

t.test('a 50,000-member group change enqueues in one statement', async (t) => {
  const tenant = await insertTenant(db, 'bulk')
  await sql`insert into groups (tenant_id, display_name, data) values (${tenant.id}::uuid, 'Everyone', '{"displayName":"Everyone"}'::jsonb)`.execute(db)
  const group = await db.selectFrom('groups').select('id').where('tenant_id', '=', tenant.id).executeTakeFirstOrThrow()
  await users(tenant.id, 50_000)
  await sql`insert into group_members (tenant_id, group_id, member_id) select tenant_id, ${group.id}::uuid, id from users where tenant_id = ${tenant.id}::uuid`.execute(db)
  // The same pool through a logging kysely, to count the statements the enqueue issues.
  let issued = 0
  const logged = new Kysely<DB>({ dialect: new PostgresDialect({ pool: database.pool }), log: () => { issued++ } })
  const statements: number[] = []
  const sink = queueAccessChanges(queue)
  const groups = createGroupsService({
    db: logged,
    accessChanges: {
      ...sink,
      groupMembersChanged: async (trx, tenantId, groupId) => {
        const started = Date.now()
        const before = issued
        await sink.groupMembersChanged(trx, tenantId, groupId)
        statements.push(issued - before)
        t.comment(`enqueue of 50,000 reconciles: ${Date.now() - started} ms on ${database.engine}`)
      }
    }
  })
  const started = Date.now()
  await groups.delete(tenant.id, group.id)
  t.comment(`whole SCIM group delete transaction: ${Date.now() - started} ms on ${database.engine}`)
  t.same(statements, [1], 'one statement')
  const count = await sql<{ n: number }>`select count(*)::int as n from pgboss.job where name = ${RECONCILE_QUEUE} and singleton_key like ${`${tenant.id}:%`} and state = 'created'`.execute(db)
  t.equal(count.rows[0]?.n, 50_000, 'one job per member')
  t.equal((await db.selectFrom('group_members').select('member_id').where('tenant_id', '=', tenant.id).execute()).length, 0, 'and the memberships are gone, in the same transaction')
})

t.test('a SCIM create writes the user and enqueues its reconcile in one statement, or neither', async (t) => {
  const tenant = await insertTenant(db, 'one-statement')
  let issued = 0
  const logged = new Kysely<DB>({ dialect: new PostgresDialect({ pool: database.pool }), log: () => { issued++ } })
  const users = createUsersService({ db: logged, accessChanges: queueAccessChanges(queue) })
  const created = await users.create(tenant.id, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@example.com' })
  t.equal(issued, 1, 'one statement: no BEGIN, no COMMIT, no separate enqueue')
  t.match(await jobs(reconcileKey(tenant.id, created.id)), [{ state: 'created', data: { tenantId: tenant.id, userId: created.id, reason: 'scim: user changed' } }],
    'the reconcile is queued with the same data as the transactional path')

  const before = await sql<{ n: number }>`select count(*)::int as n from pgboss.job where data->>'tenantId' = ${tenant.id}`.execute(db)
  const taken = await users.create(tenant.id, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ADA@example.com' })
    .then(() => undefined, (err: unknown) => err)
  t.match(taken, { status: 409, scimType: 'uniqueness' }, 'a taken userName is still a SCIM uniqueness error')
  const after = await sql<{ n: number }>`select count(*)::int as n from pgboss.job where data->>'tenantId' = ${tenant.id}`.execute(db)
  t.equal(after.rows[0]?.n, before.rows[0]?.n, 'and no job was enqueued for the user that was not written')
  const rows = await db.selectFrom('users').select('id').where('tenant_id', '=', tenant.id).execute()
  t.equal(rows.length, 1, 'nor a user')
})
