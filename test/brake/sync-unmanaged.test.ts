import t from 'tap'
import { brakeHarness } from './helpers/brake-harness.js'

// The sync's "remove unmanaged members" policy goes through the same gate and budget
// (src/provisioning/adapters/sync-ports-adapter.ts requestRemovals, inside the sync's transaction).

t.test('unmanaged removals from the sync count against the same budget and are held past it', async (t) => {
  const h = await brakeHarness(t)
  await h.admin.patch(`/tenants/${h.tenantId}/removal-brake`, { budget_count: 2, budget_percent: 0 })
  const ids = await h.members(2, 'scim')
  const strangers = Array.from({ length: 4 }, (_, i) => h.sim.addMember(h.businessId, { email: `stranger${i}@example.com`, role: 'EMPLOYEE' }))
  let seq = h.sim.calls.lastSeq
  await h.setActive(ids[0] as string, false)
  await h.drain()
  t.equal(h.removalCalls(seq), 1, 'one SCIM removal uses one slot')

  seq = h.sim.calls.lastSeq
  const result = await h.db.transaction().execute(async (trx) => await h.runtime.syncPorts.requestRemovals(trx, h.tenantId,
    strangers.map((m) => ({ kind: 'member' as const, metaId: m.id, email: m.email, role: 'EMPLOYEE' })), { syncRunId: 'run-7' }))
  t.same(result, { accepted: 1, held: 3 }, 'the one slot left goes to the sync; the rest is held')
  await h.drain()
  t.equal(h.removalCalls(seq), 1)
  t.equal(strangers.filter((m) => h.memberOf(m.email) !== undefined).length, 3)
  const status = (await h.admin.get(`/tenants/${h.tenantId}/removal-brake`)).json()
  t.match(status, { engaged: true, held: 3, first_cause: /sync run-7/ })

  // The SCIM side is braked too now.
  seq = h.sim.calls.lastSeq
  await h.setActive(ids[1] as string, false)
  await h.drain()
  t.equal(h.removalCalls(seq), 0, 'a SCIM removal is held while the brake is engaged')

  const held = (await h.admin.get(`/tenants/${h.tenantId}/removal-brake/held`)).json()
  t.equal(held.total, 4)
  const unmanaged = held.items.filter((i: { user_id: string | null }) => i.user_id === null)
  t.equal(unmanaged.length, 3)
  seq = h.sim.calls.lastSeq
  await h.admin.post(`/tenants/${h.tenantId}/removal-brake/approve`, { ids: [unmanaged[0].id] })
  await h.drain()
  t.equal(h.removalCalls(seq), 1, 'an approved unmanaged removal runs')
  t.notOk(h.memberOf(unmanaged[0].email))

  // A second sync run asking again neither duplicates nor releases what is held or rejected.
  await h.admin.post(`/tenants/${h.tenantId}/removal-brake/reject`, { ids: [unmanaged[1].id] })
  const again = await h.db.transaction().execute(async (trx) => await h.runtime.syncPorts.requestRemovals(trx, h.tenantId,
    strangers.filter((m) => h.memberOf(m.email) !== undefined).map((m) => ({ kind: 'member' as const, metaId: m.id, email: m.email, role: 'EMPLOYEE' })), { syncRunId: 'run-8' }))
  t.same(again, { accepted: 0, held: 2 })
  t.equal((await h.admin.get(`/tenants/${h.tenantId}/removal-brake`)).json().held, 2, 'one unmanaged and one SCIM removal still held')
})
