import t from 'tap'
import { sql } from 'kysely'
import { deleteTenant } from '../../src/tenants/tenants-repository.js'
import { BoundedBuffer } from '../../src/request-log/bounded-buffer.js'
import { requestLogApp, userBody } from './helpers.js'

const count = async (h: Awaited<ReturnType<typeof requestLogApp>>, tenantId: string) =>
  Number((await h.db.selectFrom('scim_requests').select((eb) => eb.fn.countAll().as('n'))
    .where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()).n)

t.test('bounded buffer: a push onto a full buffer drops the oldest and says so', async (t) => {
  const b = new BoundedBuffer<number>(3)
  t.same([1, 2, 3].map((n) => b.push(n)), [false, false, false])
  t.equal(b.push(4), true)
  t.equal(b.push(5), true)
  t.same(b.take(10), [3, 4, 5], 'the newest survive, oldest first')
  t.equal(b.size, 0)
  t.throws(() => new BoundedBuffer(0))
})

t.test('a full buffer drops and counts; every SCIM request still succeeds', async (t) => {
  const h = await requestLogApp(t, { bufferSize: 2 })
  const a = await h.addTenant('acme')
  const statuses: number[] = []
  for (let i = 0; i < 5; i++) {
    statuses.push((await h.scim(a.headers, 'POST',
      '/Users', userBody(`u${i}@example.com`))).statusCode)
  }
  t.same(statuses, [201, 201, 201, 201, 201], 'the IdP sees no difference')
  t.equal(h.log.pending, 2)
  const metrics = (await h.metrics.render()).body
  t.match(metrics, /scim_bridge_request_log_dropped_total\{reason="buffer_full"\} 3\b/, 'three drops counted')
  await h.log.flush()
  const kept = (await h.admin.get(`/tenants/${a.tenantId}/scim-requests`)).json().items.map((i: { target: { name: string } }) => i.target.name)
  t.same(kept, ['u4@example.com', 'u3@example.com'], 'the newest requests are the ones kept')
})

t.test('a failed batch write is counted and never reaches the IdP', async (t) => {
  const h = await requestLogApp(t)
  const a = await h.addTenant('acme')
  t.equal((await h.scim(a.headers, 'POST', '/Users', userBody('ada@example.com'))).statusCode, 201)
  // The table gone: the write fails, as it would with the database down.
  await h.db.schema.alterTable('scim_requests').renameTo('scim_requests_away').execute()
  t.teardown(async () => { await h.db.schema.alterTable('scim_requests_away').renameTo('scim_requests').execute() })
  await h.log.flush()
  t.match((await h.metrics.render()).body, /scim_bridge_request_log_dropped_total\{reason="write_failed"\} 1\b/)
  t.equal((await h.scim(a.headers, 'GET', '/Users')).statusCode, 200, 'SCIM keeps answering')
  t.equal(h.log.pending, 1, 'the next request is buffered as usual')
})

t.test('retention prunes by age and by rows per tenant, on the injected clock', async (t) => {
  const h = await requestLogApp(t, { retentionDays: 7, maxRowsPerTenant: 3 })
  const a = await h.addTenant('acme')
  const b = await h.addTenant('globex')
  await h.scim(a.headers, 'GET', '/Users')
  await h.scim(a.headers, 'GET', '/Groups')
  h.clock.advance(6 * 86_400_000)
  for (let i = 0; i < 4; i++) await h.scim(a.headers, 'GET', `/Users?startIndex=${i + 1}`)
  await h.scim(b.headers, 'GET', '/Users')
  await h.log.flush()
  t.equal(await count(h, a.tenantId), 6)

  t.same(await h.log.prune(), { byAge: 0, byCount: 3 }, 'nothing is 7 days old yet; acme is over its 3 rows')
  const left = (await h.admin.get(`/tenants/${a.tenantId}/scim-requests`)).json().items.map((i: { query: string }) => i.query)
  t.same(left, ['startIndex=4', 'startIndex=3', 'startIndex=2'], 'the newest rows stay')
  t.equal(await count(h, b.tenantId), 1, 'another tenant keeps its rows')

  h.clock.advance(8 * 86_400_000)
  t.same(await h.log.prune(), { byAge: 4, byCount: 0 }, 'eight days on, every row of both tenants is past retention')
  t.equal(await count(h, a.tenantId), 0)
  t.equal(await count(h, b.tenantId), 0)
})

t.test('a deleted tenant takes its log rows; rows of a batch racing the deletion are pruned', async (t) => {
  const h = await requestLogApp(t)
  const a = await h.addTenant('acme')
  const b = await h.addTenant('globex')
  await h.scim(a.headers, 'GET', '/Users')
  await h.scim(b.headers, 'GET', '/Users')
  await h.log.flush()
  t.equal(await deleteTenant(h.db, a.tenantId), true)
  t.equal(await count(h, a.tenantId), 0, 'the deletion removes the tenant\'s log rows with it')
  t.equal(await count(h, b.tenantId), 1, 'another tenant keeps its rows')

  // A batch that read the tenant before its deletion committed writes rows for a tenant that is
  // gone (the table has no foreign key): written here directly, as that race would leave them.
  const c = await h.addTenant('initech')
  await h.scim(c.headers, 'GET', '/Users')
  await h.scim(c.headers, 'GET', '/Groups')
  await h.log.flush()
  await sql`delete from tenants where id = ${c.tenantId}`.execute(h.db)
  t.equal(await count(h, c.tenantId), 2, 'orphaned rows exist before the prune')
  t.same(await h.log.prune(), { byAge: 0, byCount: 2 }, 'the pruner deletes every row of a tenant that is gone')
  t.equal(await count(h, c.tenantId), 0)
  t.equal(await count(h, b.tenantId), 1, 'and nothing of a live tenant')
})

t.test('a full batch is written on its own; the partial rest waits for the timer', async (t) => {
  const h = await requestLogApp(t, { batchSize: 3 })
  const a = await h.addTenant('acme')
  for (let i = 0; i < 7; i++) await h.scim(a.headers, 'GET', `/Users?startIndex=${i + 1}`)
  // The app's own trigger may already have written a full batch in the background; either
  // way, once this write (which waits for one in flight) is done, only full batches are in.
  await h.log.flushFullBatches()
  t.equal(await count(h, a.tenantId), 6, 'two full batches written')
  t.equal(h.log.pending, 1, 'the partial batch is left for the timer, not written as a batch of one')
  await h.log.flushFullBatches()
  t.equal(h.log.pending, 1, 'still no full batch: nothing written')
  await h.log.flush()
  t.equal(await count(h, a.tenantId), 7, 'the timer\'s flush writes the rest')
  t.equal(h.log.pending, 0)
})
