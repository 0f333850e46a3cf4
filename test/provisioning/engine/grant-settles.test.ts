import t from 'tap'
import { provisioningHarness } from '../helpers/harness.js'
import { driftOf, syncOnce } from '../helpers/sync.js'

// Meta reads back more tasks than it was given ("all unpacked roles/tasks"): a grant is in place
// when what was asked for is contained in what Meta reports. One grant per asset, then silence.

t.test('grants on ad account, page, catalog, WhatsApp and Instagram succeed once; three reconciles and a sync make no further call; drift is clean', async (t) => {
  const h = await provisioningHarness(t)
  const add = (type: Parameters<typeof h.sim.addAsset>[1]['type']) => h.sim.addAsset(h.businessId, { type })
  const ad = add('ad_account')
  const page = add('page')
  const catalog = add('product_catalog')
  const waba = add('whatsapp_business_account')
  const ig = add('instagram_account')
  await h.rules([{
    group: 'Marketing',
    assets: [
      { assetType: 'ad_account', assetId: ad.id, tasks: ['ADVERTISE', 'ANALYZE'] },
      { assetType: 'page', assetId: page.id, tasks: ['CREATE_CONTENT'] },
      { assetType: 'product_catalog', assetId: catalog.id, tasks: ['MANAGE'] },
      { assetType: 'whatsapp_business_account', assetId: waba.id, tasks: ['MANAGE'] },
      { assetType: 'instagram_account', assetId: ig.id, tasks: ['ADVERTISE'] }
    ]
  }])
  const userId = await h.createUser('gia@example.com')
  await h.createGroup('Marketing', [userId])
  await h.drain()
  const member = h.sim.acceptInvite(h.inviteOf('gia@example.com')!.id)
  await h.runtime.worker.pollAll(true)
  await h.drain()
  t.equal(h.calls('assigned_users.assign').filter((c) => c.status === 200).length, 5, 'five grants, each accepted once')
  t.same(h.calls('assigned_users.assign').filter((c) => c.status !== 200), [], 'none refused')

  const reconcile = async () => {
    await h.db.transaction().execute(async (trx) => { await h.runtime.queue.enqueueUsers(trx, h.tenantId, [userId], 'test: reconcile again') })
    await h.drain()
  }
  const before = h.calls().length
  for (let i = 0; i < 3; i++) await reconcile()
  t.equal(h.calls().length, before, 'three reconciles: no Graph call at all')

  const beforeSync = h.calls().length
  const run = await syncOnce(h)
  t.equal(run.status, 'succeeded', run.error ?? '')
  const syncCalls = h.calls().slice(beforeSync)
  t.same(syncCalls.filter((c) => c.method !== 'GET' && c.route !== 'batch'), [], 'the sync only reads')
  // What the sync stored is what Meta reports: more than was asked for.
  const record = await h.person(userId)
  t.same(record?.assets.find((a) => a.assetId === ad.id)?.tasks, ['ADVERTISE', 'ANALYZE', 'DRAFT'], 'the record holds what Meta reports (unpacked)')
  t.same(record?.assets.find((a) => a.assetId === ig.id)?.tasks, ['ADVERTISE', 'ANALYZE', 'COMMUNITY_ACTIVITY', 'CONTENT', 'MESSAGES'])

  const afterSync = h.calls().length
  await h.drain()
  await reconcile()
  t.equal(h.calls().length, afterSync, 'a reconcile after the sync: still no call')

  const drift = await driftOf(h)
  t.same(drift.asset_differences, [], 'drift has no asset differences')
  t.same(drift.role_differences, [])
  t.equal(drift.counts.asset_differences, 0)
  t.same(h.sim.store.assignmentsOf(ad.id).get(member.id), ['ADVERTISE', 'ANALYZE'], 'Meta still holds the one grant')
})

t.test('a task Meta reports that is neither asked for nor unpacked is narrowed once; if Meta keeps it, not again', async (t) => {
  const h = await provisioningHarness(t)
  const ad = h.sim.addAsset(h.businessId, { type: 'ad_account' })
  await h.rules([{ group: 'Readers', assets: [{ assetType: 'ad_account', assetId: ad.id, tasks: ['ANALYZE'] }] }])
  const userId = await h.createUser('hal@example.com')
  await h.createGroup('Readers', [userId])
  await h.drain()
  const member = h.sim.acceptInvite(h.inviteOf('hal@example.com')!.id)
  await h.runtime.worker.pollAll(true)
  await h.drain()
  t.equal(h.calls('assigned_users.assign').length, 1)

  h.sim.assign(ad.id, member.id, ['MANAGE', 'ADVERTISE', 'ANALYZE']) // widened by hand in Business Settings
  await syncOnce(h)
  await h.drain()
  t.equal(h.calls('assigned_users.assign').length, 2, 'the extra tasks are taken away: one narrowing call')
  t.same(h.sim.store.assignmentsOf(ad.id).get(member.id), ['ANALYZE'])
  await syncOnce(h)
  await h.drain()
  t.equal(h.calls('assigned_users.assign').length, 2, 'a read shows the narrowing worked: nothing more')
  t.equal((await h.person(userId))?.assets[0]?.narrowed, undefined, 'and the note of it is dropped')

  // Meta merges instead of replacing: the extras stay however often the same tasks are posted.
  h.sim.updateSettings({ taskAssignment: 'merge' })
  h.sim.assign(ad.id, member.id, ['ADVERTISE', 'ANALYZE'])
  await syncOnce(h)
  await h.drain()
  t.equal(h.calls('assigned_users.assign').length, 3, 'narrowed once more')
  await syncOnce(h)
  await h.drain()
  await syncOnce(h)
  await h.drain()
  t.equal(h.calls('assigned_users.assign').length, 3, 'the same extras again: no loop')
  const drift = await driftOf(h)
  t.match(drift.asset_differences, [{ asset_id: ad.id, missing: [], extra: ['ADVERTISE', 'DRAFT'] }], 'drift still reports what Meta keeps')
})
