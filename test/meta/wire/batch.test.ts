import t from 'tap'
import { z } from 'zod'
import { MetaApiError } from '../../../src/meta/vocabulary/errors.js'
import { setup } from '../helpers/harness.js'

t.test('batch reads assigned users of several assets, with one failing operation', async t => {
  const { client, sim, businessId } = await setup(t)
  const person = sim.addMember(businessId, { email: 'b@corp.example' })
  const a = sim.addAsset(businessId, { type: 'ad_account' })
  const p = sim.addAsset(businessId, { type: 'page' })
  sim.assign(a.id, person.id, ['ANALYZE'])
  sim.assign(p.id, person.id, ['MODERATE'])
  const results = await client.batch([
    client.operations.getAssignedUsers({ type: 'ad_account', id: a.id }),
    client.operations.getAssignedUsers({ type: 'page', id: '999999' }),
    client.operations.getAssignedUsers({ type: 'page', id: p.id })
  ])
  t.equal(results.length, 3)
  const [first, missing, third] = results
  t.ok(first?.ok)
  t.same(first?.ok === true ? first.value.data.map(u => u.tasks) : null, [['ANALYZE']])
  t.notOk(missing?.ok)
  t.match(missing?.ok === false ? missing.error : null, { errorClass: 'not_found', code: 100, subcode: 33, httpStatus: 400 })
  t.same(third?.ok === true ? third.value.data.map(u => u.tasks) : null, [['ADVERTISE', 'ANALYZE', 'MODERATE']], 'page tasks as Meta unpacks them')
  t.equal(sim.calls.list({ route: 'batch' }).length, 1, 'one HTTP request')
  t.equal(sim.calls.list({ route: 'assigned_users.list' }).length, 2, 'operations counted one by one')
})

t.test('batch writes: partial failure keeps the successful operations', async t => {
  const { client, sim, businessId } = await setup(t)
  const person = sim.addMember(businessId, { email: 'w@corp.example' })
  const a = sim.addAsset(businessId, { type: 'ad_account' })
  const c = sim.addAsset(businessId, { type: 'product_catalog' })
  const results = await client.batch([
    client.operations.assignUser({ type: 'ad_account', id: a.id }, person.id, ['MANAGE']), // bad combination
    client.operations.assignUser({ type: 'product_catalog', id: c.id }, person.id, ['MANAGE'])
  ])
  t.match(results[0], { ok: false, error: { errorClass: 'business_rule', subcode: 1752129 } })
  t.match(results[1], { ok: true, value: { success: true } })
  t.same(sim.store.assignmentsOf(c.id).get(person.id), ['MANAGE'])
  t.notOk(sim.store.assignmentsOf(a.id).has(person.id))
})

t.test('null entries are re-sent and then succeed', async t => {
  const { client, sim, businessId } = await setup(t)
  const person = sim.addMember(businessId, { email: 'n@corp.example' })
  const assets = [0, 1, 2].map(() => sim.addAsset(businessId, { type: 'page' }))
  sim.faults.add({ route: 'assigned_users.assign', pathIncludes: assets[1]!.id, batchNull: true })
  const results = await client.batch(assets.map(a => client.operations.assignUser({ type: 'page', id: a.id }, person.id, ['ANALYZE'])))
  t.ok(results.every(r => r.ok), 'all three eventually succeed')
  t.equal(sim.calls.list({ route: 'batch' }).length, 2, 'a second batch carried only the unfinished operation')
  const assignCalls = sim.calls.list({ route: 'assigned_users.assign' })
  t.equal(assignCalls.length, 4)
  t.equal(assignCalls.filter(c => c.path.includes(assets[1]!.id)).length, 2)
  t.equal(assignCalls.filter(c => c.path.includes(assets[0]!.id)).length, 1, 'finished operations are not repeated')
})

t.test('operations still null after the retries are reported as transient timeouts', async t => {
  const { client, sim, businessId } = await setup(t, { client: { batchNullRetries: 1 } })
  const asset = sim.addAsset(businessId, { type: 'page' })
  sim.faults.add({ route: 'assigned_users.list', batchNull: true, times: 5 })
  const [result] = await client.batch([client.operations.getAssignedUsers({ type: 'page', id: asset.id })])
  t.equal(result?.ok, false)
  const error = result?.ok === false ? result.error : null
  t.ok(error instanceof MetaApiError)
  t.match(error, { source: 'timeout', errorClass: 'transient' })
  t.equal(sim.calls.list({ route: 'batch' }).length, 2, 'first try plus one retry')
})

t.test('operations slower than the batch time budget come back null', async t => {
  const { client, sim, businessId } = await setup(t, {
    client: { batchNullRetries: 0 },
    sim: { settings: { batch: { timeoutMs: 50 } } }
  })
  const asset = sim.addAsset(businessId, { type: 'page' })
  sim.faults.add({ route: 'assigned_users.list', delayMs: 60_000 })
  const [result] = await client.batch([client.operations.getAssignedUsers({ type: 'page', id: asset.id })])
  t.match(result, { ok: false, error: { source: 'timeout' } })
})

t.test('more than 50 operations go in several requests, results in order', async t => {
  const { client, sim, businessId } = await setup(t)
  const members = Array.from({ length: 120 }, (_, i) => sim.addMember(businessId, { email: `m${i}@corp.example` }))
  const op = (id: string) => ({ method: 'GET' as const, path: id, params: { fields: 'id,email' }, schema: z.object({ id: z.string(), email: z.string() }) })
  const results = await client.batch(members.map(m => op(m.id)))
  t.equal(sim.calls.list({ route: 'batch' }).length, 3)
  t.same(results.map(r => (r.ok ? r.value.email : null)), members.map(m => m.email))
})

t.test('sub-response usage headers reach the governor', async t => {
  const { client, sim, businessId, governor } = await setup(t, {
    sim: { settings: { rateLimits: { buc: { budget: 10, windowMs: 3600_000 } } } }
  })
  const asset = sim.addAsset(businessId, { type: 'ad_account' })
  await client.batch([
    client.operations.getAssignedUsers({ type: 'ad_account', id: asset.id }),
    client.operations.getAssignedUsers({ type: 'ad_account', id: asset.id })
  ])
  const bucket = governor.bucket(`buc:${asset.id.slice(4)}:ads_management`)
  t.equal(bucket?.usagePct, 20, 'two of ten calls used')
})
