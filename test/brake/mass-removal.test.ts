import t from 'tap'
import { listAudit } from '../../src/provisioning/records/audit-repository.js'
import { insertTenant } from '../../src/tenants/tenants-repository.js'
import { brakeHarness } from './helpers/brake-harness.js'

// The proof: one bad IdP push deactivates 40 of 100 members; the brake lets the budget
// through and holds the rest for an admin, who approves some and rejects others.

t.test('deactivating 40 of 100 members: 10 removed, 30 held with no Meta call; approve, reject, reactivate', async (t) => {
  const h = await brakeHarness(t)
  const ids = await h.members(100)
  t.equal(h.sim.store.membersOf(h.businessId).filter((m) => m.email.startsWith('m')).length, 100, '100 adopted members')
  const before = h.sim.calls.lastSeq
  for (const id of ids.slice(0, 40)) await h.setActive(id, false)
  const drained = await h.drain()
  t.equal(drained.retried, 0, 'held removals are not retried')
  t.equal(h.removalCalls(before), 10, 'the budget (max(10, 5 % of 100)) went ahead')
  const stillThere = ids.slice(0, 40).filter((_, i) => h.memberOf(`m${i}@example.com`) !== undefined)
  t.equal(stillThere.length, 30, 'the other 30 are still members')

  const status = (await h.admin.get(`/tenants/${h.tenantId}/removal-brake`)).json()
  t.match(status, { engaged: true, held: 30, used_in_window: 10, limit: 10, first_cause: /\S/ })
  const list = (await h.admin.get(`/tenants/${h.tenantId}/removal-brake/held?limit=500`)).json()
  t.equal(list.total, 30)
  t.same(new Set(list.items.map((i: { user_id: string }) => i.user_id)), new Set(stillThere), 'held: exactly the people still there')
  t.match(list.items[0], { action: 'remove', email: /@example.com/, since: /\d{4}-/, cause: /\S/ })

  // Invites keep flowing while the brake is engaged.
  await h.createUser('newcomer@example.com')
  await h.drain()
  t.ok(h.inviteOf('newcomer@example.com'), 'an invitation still goes out')

  // Tenant isolation: another tenant sees nothing and cannot decide on these.
  const other = await insertTenant(h.db, 'other')
  t.equal((await h.admin.get(`/tenants/${other.id}/removal-brake/held`)).json().total, 0)
  const foreign = await h.admin.post(`/tenants/${other.id}/removal-brake/approve`, { ids: [list.items[0].id] })
  t.equal(foreign.statusCode, 404, 'another tenant\'s held action is not found')
  t.equal((await h.admin.get(`/tenants/${h.tenantId}/removal-brake`)).json().held, 30, 'nothing decided')

  // Approve five: exactly those five are removed.
  const approve = list.items.slice(0, 5)
  let seq = h.sim.calls.lastSeq
  const approved = await h.admin.post(`/tenants/${h.tenantId}/removal-brake/approve`, { ids: approve.map((i: { id: string }) => i.id) })
  t.equal(approved.statusCode, 200)
  t.equal(approved.json().count, 5)
  await h.drain()
  t.equal(h.removalCalls(seq), 5, 'five removals ran')
  for (const item of approve) t.notOk(h.memberOf(item.email), `${item.email as string} removed`)
  for (const item of list.items.slice(5)) t.ok(h.memberOf(item.email), `${item.email as string} still there`)

  // Reject five: dropped; the people stay, and a later reconcile neither removes nor re-holds them.
  const reject = list.items.slice(5, 10)
  const rejected = await h.admin.post(`/tenants/${h.tenantId}/removal-brake/reject`, { ids: reject.map((i: { id: string }) => i.id) })
  t.equal(rejected.json().count, 5)
  seq = h.sim.calls.lastSeq
  await h.runtime.queue.enqueueUsers(h.db, h.tenantId, reject.map((i: { user_id: string }) => i.user_id), 'test: reconcile again')
  await h.drain()
  t.equal(h.removalCalls(seq), 0, 'rejected removals do not run')
  for (const item of reject) t.ok(h.memberOf(item.email), `${item.email as string} stays`)
  t.equal((await h.admin.get(`/tenants/${h.tenantId}/removal-brake`)).json().held, 20, 'rejected ones are not held again')

  // Reactivating a held person drops the held removal by itself.
  const back = list.items[10]
  await h.setActive(back.user_id, true)
  await h.drain()
  const after = (await h.admin.get(`/tenants/${h.tenantId}/removal-brake/held?limit=500`)).json()
  t.equal(after.total, 19)
  t.notOk(after.items.some((i: { user_id: string }) => i.user_id === back.user_id), 'the reactivated person is no longer held')
  t.ok(h.memberOf(back.email), 'and stays a member')

  // Every decision is audited with who made it.
  const audit = await listAudit(h.db, h.tenantId, { limit: 1000 })
  t.equal(audit.filter((e) => e.action === 'removal_approved' && e.actor === 'admin').length, 5)
  t.equal(audit.filter((e) => e.action === 'removal_rejected' && e.actor === 'admin').length, 5)
  t.ok(audit.some((e) => e.action === 'remove' && e.outcome === 'held'), 'held steps are audited as held')

  // Approve the rest: the brake lets go.
  seq = h.sim.calls.lastSeq
  t.equal((await h.admin.post(`/tenants/${h.tenantId}/removal-brake/approve`, { all: true })).json().count, 19)
  await h.drain()
  t.equal(h.removalCalls(seq), 19)
  t.match((await h.admin.get(`/tenants/${h.tenantId}/removal-brake`)).json(), { engaged: false, held: 0, first_cause: null })
})
