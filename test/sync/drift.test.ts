import t from 'tap'
import { sql } from 'kysely'
import { syncSetup } from './helpers/setup.js'

async function rowsOf (db: any, table: string, tenantId: string): Promise<any[]> {
  return (await sql`select * from ${sql.table(table)} where tenant_id = ${tenantId}`.execute(db)).rows
}

async function scenario (t: any) {
  const s = await syncSetup(t)
  const { sim, businessId } = s
  const page = sim.addAsset(businessId, { type: 'page', name: 'Brand page' })
  const m = {
    ann: sim.addMember(businessId, { email: 'ann@corp.example' }),
    ben: sim.addMember(businessId, { email: 'ben@corp.example' }),
    cat: sim.addMember(businessId, { email: 'cat@corp.example' }),
    dan: sim.addMember(businessId, { email: 'dan@corp.example' }),
    stranger: sim.addMember(businessId, { email: 'stranger@elsewhere.example' })
  }
  sim.assign(page.id, m.cat.id, ['ANALYZE'])
  const eveInvite = sim.addInvite(businessId, { email: 'eve@corp.example' })
  const ghost = sim.addInvite(businessId, { email: 'ghost@corp.example' })
  sim.addPartner(businessId, { kind: 'agency', name: 'Agency Co' })
  const u = {
    ann: await s.addUser({ userName: 'ann@corp.example', role: 'ADMIN' }),
    ben: await s.addUser({ userName: 'ben@corp.example', role: 'EMPLOYEE' }),
    cat: await s.addUser({ userName: 'cat@corp.example', role: 'EMPLOYEE' }),
    dan: await s.addUser({ userName: 'dan@corp.example', role: 'EMPLOYEE', active: false }),
    eve: await s.addUser({ userName: 'eve@corp.example', role: 'EMPLOYEE' }),
    fred: await s.addUser({ userName: 'fred@corp.example', role: 'EMPLOYEE' })
  }
  s.control.assets.set('ben@corp.example', [{ assetType: 'page', assetId: page.id, tasks: ['ANALYZE'] }])
  s.control.assets.set('cat@corp.example', [{ assetType: 'page', assetId: page.id, tasks: ['ANALYZE'] }])
  s.control.assets.set('eve@corp.example', [{ assetType: 'page', assetId: page.id, tasks: ['ANALYZE'] }])
  return { s, m, u, page, eveInvite, ghost }
}

t.test('drift: unmanaged, missing, not entitled, role and asset differences, old invites, partners and system users', async (t) => {
  const { s, m, u, page, eveInvite, ghost } = await scenario(t)
  const run = await s.runSync()
  t.equal(run.status, 'succeeded', run.error ?? '')
  const res = await s.admin.get(`/tenants/${s.tenantId}/drift`)
  t.equal(res.statusCode, 200)
  const drift = res.json()
  t.match(drift.snapshot, { run_id: run.id, business_id: s.businessId })
  t.same(drift.unmanaged.map((p: any) => p.email).sort(), ['ghost@corp.example', 'owner@corp.example', 'stranger@elsewhere.example'])
  t.same(drift.missing, [{ user_id: u.fred, user_name: 'fred@corp.example', desired_role: 'EMPLOYEE' }])
  t.match(drift.not_entitled, [{ user_id: u.dan, meta_id: m.dan.id, state: 'active' }])
  t.equal(drift.not_entitled.length, 1)
  t.same(drift.role_differences, [{ user_id: u.ann, user_name: 'ann@corp.example', meta_id: m.ann.id, desired: 'ADMIN', observed: 'EMPLOYEE' }])
  t.same(drift.asset_differences, [{ user_id: u.ben, user_name: 'ben@corp.example', meta_id: m.ben.id, asset_type: 'page', asset_id: page.id, desired: ['ANALYZE'], observed: [], missing: ['ANALYZE'], extra: [] }])
  t.same(drift.stale_invites, [], 'nothing older than 14 days')
  t.match(drift.partners, [{ kind: 'agency', name: 'Agency Co' }])
  t.match(drift.system_users, [{ name: 'SCIM bridge', role: null }], 'SystemUser has no role field in Meta\'s spec')
  t.match(drift.counts, { unmanaged: 3, missing: 1, not_entitled: 1, role_differences: 1, asset_differences: 1, stale_invites: 0, partners: 1 })

  const fresh = (await s.admin.get(`/tenants/${s.tenantId}/drift?invite_age_days=0`)).json()
  t.same(fresh.stale_invites.map((i: any) => i.meta_id).sort(), [eveInvite.id, ghost.id].sort())
  t.equal((await s.admin.get(`/tenants/${s.tenantId}/drift?invite_age_days=-1`)).statusCode, 400)

  const reconciles = (await rowsOf(s.db, 'test_reconciles', s.tenantId)).map((r) => r.user_id).sort()
  t.same(reconciles, [u.ann, u.ben, u.dan, u.fred].sort(), 'a reconcile for exactly the users whose access differs')
  t.equal(run.counts.reconciles_enqueued, 4)
  t.same(await rowsOf(s.db, 'test_removals', s.tenantId), [], 'report-only by default: nobody handed to removal')
  const observed = await rowsOf(s.db, 'test_observed', s.tenantId)
  t.equal(observed.length, 6, 'observed state for every SCIM user')
  t.match(observed.find((o) => o.user_id === u.fred), { state: 'absent', business_user_id: null })
  t.match(observed.find((o) => o.user_id === u.eve), { state: 'invited', role_request_id: eveInvite.id })
})

t.test('an accepted or expired invite is detected on the next sync and the person reconciled', async (t) => {
  const { s, u, page, eveInvite, ghost } = await scenario(t)
  const gil = s.sim.addInvite(s.businessId, { email: 'gil@corp.example' })
  const uGil = await s.addUser({ userName: 'gil@corp.example', role: 'EMPLOYEE' })
  await s.runSync()
  const member = s.sim.acceptInvite(eveInvite.id)
  s.sim.updateSettings({ showClosedInvites: true })
  s.sim.expireInvite(gil.id)
  s.sim.declineInvite(ghost.id)
  const run = await s.runSync()
  const observed = await rowsOf(s.db, 'test_observed', s.tenantId)
  t.match(observed.find((o) => o.user_id === u.eve), { state: 'active', business_user_id: member.id, run_id: run.id })
  t.match(observed.find((o) => o.user_id === uGil), { state: 'invite_expired', role_request_id: gil.id })
  const second = (await rowsOf(s.db, 'test_reconciles', s.tenantId)).filter((r) => r.run_id === run.id).map((r) => r.user_id)
  t.ok(second.includes(u.eve), 'eve now needs her page access granted')
  t.ok(second.includes(uGil), 'gil must be invited again')
  const drift = (await s.admin.get(`/tenants/${s.tenantId}/drift`)).json()
  t.match(drift.asset_differences.find((d: any) => d.user_id === u.eve), { asset_id: page.id, desired: ['ANALYZE'], observed: [] })
  t.notOk(drift.unmanaged.some((p: any) => p.meta_id === ghost.id), 'a declined invite holds no seat')
})

t.test('policy "remove": unmanaged people go to the removal path, which may hold them (seam)', async (t) => {
  const { s, m, ghost } = await scenario(t)
  const set = await s.admin.patch(`/tenants/${s.tenantId}/sync/settings`, { unmanaged_policy: 'remove' })
  t.same(set.json(), { schedule_minutes: 60, unmanaged_policy: 'remove' })
  s.control.removalBudget = 1
  const run = await s.runSync()
  t.match(run.counts, { unmanaged: 3, removals_requested: 1, removals_held: 2 })
  t.match(run.summary, { unmanaged_policy: 'remove' })
  const removals = await rowsOf(s.db, 'test_removals', s.tenantId)
  t.same(removals.map((r) => r.meta_id).sort(), [m.stranger.id, ghost.id, s.seeded.admins[0]!.id].sort())
  t.same(removals.map((r) => r.run_id), [run.id, run.id, run.id], 'the sync run is the cause')
  t.ok(s.sim.calls.list().every((c) => c.method === 'GET' || c.route === 'batch'), 'the sync itself never writes to Meta')
})
