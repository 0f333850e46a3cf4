import t from 'tap'
import { listAudit } from '../../src/provisioning/records/audit-repository.js'
import { previewTenantPlan } from '../../src/provisioning/engine/preview.js'
import type { RemovalGate, RemovalRequest } from '../../src/provisioning/engine/removal-gate.js'
import { provisioningHarness } from './helpers/harness.js'

// What the sync, the removal brake and the admin API build on.

function holdingGate () {
  const seen: RemovalRequest[] = []
  let holding = true
  const gate: RemovalGate = {
    review: async (request) => {
      seen.push(request)
      return holding ? { hold: true, why: 'removal budget exceeded (test)' } : { hold: false }
    }
  }
  return { gate, seen, release: () => { holding = false } }
}

t.test('the removal gate: a held removal is not executed, not retried, and vanishes when the person is entitled again', async (t) => {
  const brake = holdingGate()
  const h = await provisioningHarness(t, { gate: brake.gate })
  const ada = await h.createUser('ada@example.com')
  await h.drain()
  h.sim.acceptInvite(h.inviteOf('ada@example.com')!.id)
  await h.runtime.worker.pollAll(true)
  await h.drain()
  const calls = h.sim.calls.lastSeq
  await h.setActive(ada, false)
  const result = await h.drain()
  t.equal(result.retried, 0, 'not retried')
  t.equal(h.sim.calls.lastSeq, calls, 'no Meta call')
  t.ok(h.memberOf('ada@example.com'), 'still a member')
  t.match(brake.seen, [{ userId: ada, email: 'ada@example.com', step: { kind: 'remove' } }])
  t.match(await h.person(ada), { state: 'member', lastError: /held: removal budget/ })
  t.match((await listAudit(h.db, h.tenantId, { userId: ada }))[0], { action: 'remove', outcome: 'held' })
  await h.setActive(ada, true)
  await h.drain()
  t.equal(brake.seen.length, 1, 'entitled again: nothing to hold any more')
  t.match(await h.person(ada), { state: 'member', lastError: null })
  brake.release()
  await h.setActive(ada, false)
  await h.drain()
  t.notOk(h.memberOf('ada@example.com'), 'released: the removal runs through the normal engine')
})

t.test('sync ports: connection, desired access, observed state, reconciles, unmanaged removals', async (t) => {
  const h = await provisioningHarness(t)
  const ports = h.runtime.syncPorts
  t.match(await ports.loadMetaConnection(h.tenantId), { businessId: h.businessId, accessToken: h.seeded.token, identityMode: 'facebook_profiles', apiVersion: 'v26.0' })
  const page = h.sim.addAsset(h.businessId, { type: 'page' })
  await h.rules([{ group: 'Social', role: 'ADMIN', assets: [{ assetType: 'page', assetId: page.id, tasks: ['ANALYZE'] }] }])
  const ada = await h.createUser('ada@example.com')
  const bob = await h.createUser('bob@example.com')
  await h.createGroup('Social', [ada])
  await h.drain()
  const desired = await ports.desiredAccess(h.db, h.tenantId, [ada, bob, '00000000-0000-0000-0000-000000000000'])
  t.same(desired.get(ada), { role: 'ADMIN', assets: [{ assetType: 'page', assetId: page.id, tasks: ['ANALYZE'] }] })
  t.same(desired.get(bob), { role: 'EMPLOYEE', assets: [] })
  t.same(desired.get('00000000-0000-0000-0000-000000000000'), { role: null, assets: [] }, 'unknown user: no access')

  await h.db.transaction().execute(async (trx) => {
    await ports.updateObservedState(trx, h.tenantId, [{
      userId: ada,
      state: 'active',
      businessUserId: '999',
      roleRequestId: null,
      role: 'ADMIN',
      financePermission: null,
      ipPermission: null,
      workAccount: false,
      inviteStatus: null,
      inviteExpiresAt: null,
      assets: [{ assetType: 'page', assetId: page.id, tasks: ['ANALYZE'] }, { assetType: 'ad_account', assetId: 'act_7', tasks: ['ANALYZE'] }]
    }, {
      userId: bob, state: 'invite_expired', businessUserId: null, roleRequestId: null, role: null, financePermission: null, ipPermission: null, workAccount: false, inviteStatus: 'EXPIRED', inviteExpiresAt: null, assets: []
    }], { syncRunId: 'run-1' })
    await ports.enqueueReconcile(trx, h.tenantId, [bob], { syncRunId: 'run-1' })
  })
  t.match(await h.person(ada), { state: 'member', businessUserId: '999', assets: [{ assetType: 'page', assetId: page.id }] })
  t.equal((await h.person(ada))?.assets.length, 1, 'an asset no rule manages is not taken into the record (never unassigned)')
  t.match(await h.person(bob), { state: 'none', inviteId: null, lastError: /expired/ })

  const stranger = h.sim.addMember(h.businessId, { email: 'stranger@example.com' })
  const pending = h.sim.addInvite(h.businessId, { email: 'pending@example.com' })
  const answer = await h.db.transaction().execute(async (trx) => await ports.requestRemovals(trx, h.tenantId, [
    { kind: 'member', metaId: stranger.id, email: stranger.email, role: 'EMPLOYEE' },
    { kind: 'invite', metaId: pending.id, email: pending.email, role: 'EMPLOYEE' }
  ], { syncRunId: 'run-1' }))
  t.same(answer, { accepted: 2, held: 0 })
  await h.drain()
  t.notOk(h.memberOf('stranger@example.com'), 'unmanaged member removed')
  t.equal(h.sim.store.roleRequests.get(pending.id), undefined, 'unmanaged invitation cancelled')
  t.ok(h.inviteOf('bob@example.com'), 'the sync-requested reconcile re-invited bob')
})

t.test('requestRemovals obeys the gate and Work Accounts mode', async (t) => {
  const brake = holdingGate()
  const h = await provisioningHarness(t, { gate: brake.gate })
  const member = h.sim.addMember(h.businessId, { email: 'x@example.com' })
  const people = [{ kind: 'member' as const, metaId: member.id, email: member.email, role: 'EMPLOYEE' }]
  t.same(await h.db.transaction().execute(async (trx) => await h.runtime.syncPorts.requestRemovals(trx, h.tenantId, people, { syncRunId: 'r' })), { accepted: 0, held: 1 })
  await h.settings({ identityMode: 'work_accounts' })
  t.same(await h.db.transaction().execute(async (trx) => await h.runtime.syncPorts.requestRemovals(trx, h.tenantId, people, { syncRunId: 'r' })), { accepted: 0, held: 0 })
  await h.drain()
  t.ok(h.memberOf('x@example.com'))
  t.same((await listAudit(h.db, h.tenantId)).map((e) => e.outcome).sort(), ['held', 'skipped'])
})

t.test('plan preview: what would happen, without calling Meta or writing', async (t) => {
  const h = await provisioningHarness(t)
  const ada = await h.createUser('ada@example.com')
  const preview = await previewTenantPlan(h.db, h.tenantId)
  t.equal(h.sim.calls.lastSeq, 0)
  t.match(preview, { identityMode: 'facebook_profiles', dryRun: false, nextAfter: null })
  t.match(preview.people, [{ userId: ada, email: 'ada@example.com', desired: { role: 'EMPLOYEE' }, plan: { steps: [{ kind: 'invite' }] } }])
  t.equal(await h.person(ada), undefined, 'nothing written')
})
