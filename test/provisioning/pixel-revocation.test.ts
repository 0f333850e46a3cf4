import t from 'tap'
import { getPerson, personView } from '../../src/admin/people-query.js'
import { createMetrics } from '../../src/metrics/registry.js'
import { listAudit } from '../../src/provisioning/records/audit-repository.js'
import { syncSample } from '../../src/sync/metrics-sample.js'
import { provisioningHarness } from './helpers/harness.js'
import { driftOf, syncOnce } from './helpers/sync.js'

// Meta's API cannot take pixel access away (ads-pixel assigned_users: "Deleting: You can't
// perform this operation on this endpoint"; the simulator answers 100/33 like Graph does to
// unsupported operations). The revocation is a manual step everywhere until a read shows it gone.

t.test('a pixel revocation is shown as "remove in Business Settings" until a sync reads it gone', async (t) => {
  const metrics = createMetrics({ defaultMetrics: false })
  const h = await provisioningHarness(t, { metrics })
  const pixel = h.sim.addAsset(h.businessId, { type: 'pixel' })
  await h.rules([{ group: 'Analysts', assets: [{ assetType: 'pixel', assetId: pixel.id, tasks: ['ANALYZE'] }] }])
  const userId = await h.createUser('ivy@example.com')
  await h.createGroup('Analysts', [userId])
  await h.drain()
  const member = h.sim.acceptInvite(h.inviteOf('ivy@example.com')!.id)
  await h.runtime.worker.pollAll(true)
  await h.drain()
  t.ok(h.sim.store.assignmentsOf(pixel.id).has(member.id), 'the pixel was granted')

  await h.rules([])
  await h.drain()
  t.same(h.calls('assigned_users.unassign'), [], 'no DELETE is sent for a pixel')
  t.ok(h.sim.store.assignmentsOf(pixel.id).has(member.id), 'the person keeps the pixel')
  const record = await h.person(userId)
  t.match(record, { state: 'member', manualSteps: [{ action: 'unassign', assetType: 'pixel', assetId: pixel.id, instruction: /remove in Business Settings/ }] }, 'the record names the manual step')
  t.same(record?.assets.map((a) => a.assetId), [pixel.id], 'and still holds the pixel: not recorded as done')

  const view = personView((await getPerson(h.db, h.tenantId, userId))!)
  t.match(view.observed.manual_steps, [{ action: 'unassign', asset_type: 'pixel', asset_id: pixel.id, instruction: /remove in Business Settings/ }], 'the people view shows it')

  const audit = await listAudit(h.db, h.tenantId, { userId, limit: 100 })
  t.equal(audit.filter((e) => e.outcome === 'manual').length, 1, 'audited once as manual')
  t.match(audit.find((e) => e.outcome === 'manual'), { action: 'unassign', message: /remove in Business Settings/ })
  const body = (await metrics.render()).body
  t.match(body, /scim_bridge_provisioning_actions_total\{action="unassign",outcome="manual"\} 1/, 'counted as a manual action')
  t.equal((await syncSample(h.db)).manualSteps, 1, 'the pending-manual-steps gauge reads one')

  const run = await syncOnce(h)
  t.equal(run.status, 'succeeded', run.error ?? '')
  await h.drain()
  const drift = await driftOf(h)
  t.match(drift.manual_steps, [{ user_id: userId, action: 'unassign', asset_type: 'pixel', asset_id: pixel.id, instruction: /remove in Business Settings/ }], 'drift shows the manual step')
  t.match(drift.asset_differences, [{ user_id: userId, asset_id: pixel.id, extra: ['ANALYZE'], manual_step: /remove in Business Settings/ }])
  t.same(h.calls('assigned_users.unassign'), [], 'the reconcile the sync enqueued sent nothing either')
  t.equal((await listAudit(h.db, h.tenantId, { userId, limit: 100 })).filter((e) => e.outcome === 'manual').length, 1, 'and did not audit it again')

  // The admin removes it in Business Settings; the next sync reads it gone.
  h.sim.store.assignmentsOf(pixel.id).delete(member.id)
  await syncOnce(h)
  await h.drain()
  const after = await h.person(userId)
  t.same(after?.manualSteps, [], 'cleared from the record')
  t.same(after?.assets, [], 'the pixel is no longer held')
  t.same(personView((await getPerson(h.db, h.tenantId, userId))!).observed.manual_steps, [], 'and from the people view')
  t.same((await driftOf(h)).manual_steps, [], 'drift is clean')
  t.equal((await syncSample(h.db)).manualSteps, 0, 'the gauge is back to zero')
  const done = (await listAudit(h.db, h.tenantId, { userId, limit: 100 })).find((e) => e.actor === 'sync' && e.action === 'unassign')
  t.match(done, { outcome: 'applied', message: /done by hand/ }, 'recorded done once a read showed it gone')
})
