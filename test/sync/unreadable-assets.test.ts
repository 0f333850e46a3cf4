import t from 'tap'
import { ASSET_TASKS } from '../../src/meta/index.js'
import { syncSetup } from './helpers/setup.js'

// One asset the token cannot read (no permission, a partner's asset) is recorded as unreadable
// and reported; the rest of the import completes.

t.test('a first sync of a business with every asset type and an unreadable page completes and names the page', async (t) => {
  const s = await syncSetup(t)
  const { sim, businessId } = s
  const ann = sim.addMember(businessId, { email: 'ann@corp.example' })
  const readable = {
    ad_account: sim.addAsset(businessId, { type: 'ad_account', name: 'Ads' }),
    page: sim.addAsset(businessId, { type: 'page', name: 'Readable page' }),
    pixel: sim.addAsset(businessId, { type: 'pixel', name: 'Pixel' }),
    product_catalog: sim.addAsset(businessId, { type: 'product_catalog', name: 'Catalog' }),
    instagram_account: sim.addAsset(businessId, { type: 'instagram_account', name: 'Insta' }),
    whatsapp_business_account: sim.addAsset(businessId, { type: 'whatsapp_business_account', name: 'WABA' })
  }
  for (const a of Object.values(readable)) sim.assign(a.id, ann.id, [ASSET_TASKS[a.type][0] as string])
  const hidden = sim.addAsset(businessId, { type: 'page', name: 'Hidden page', unreadable: true })
  sim.assign(hidden.id, ann.id, ['ANALYZE'])

  const run = await s.runSync()
  t.equal(run.status, 'succeeded', run.error ?? '')
  t.match(run.counts, { assets: 7, assignments: 6, unreadable_assets: 1 })
  t.same(run.summary.unreadable_assets, [{ asset_type: 'page', asset_id: hidden.id, error_code: 100, message: run.summary.unreadable_assets[0].message }])
  t.match(run.summary.unreadable_assets[0].message, /cannot be loaded due to missing permissions/)

  const rows = await s.db.selectFrom('meta_directory_assets').selectAll().where('tenant_id', '=', s.tenantId).execute()
  t.equal(rows.length, 7, 'every listed asset is in the snapshot')
  t.same(rows.filter((r) => r.unreadable_class !== null).map((r) => [r.asset_id, r.unreadable_class, r.unreadable_code]), [[hidden.id, 'not_found', 100]])
  const assignments = await s.db.selectFrom('meta_directory_assignments').select('asset_id').where('tenant_id', '=', s.tenantId).execute()
  t.same(assignments.map((a) => a.asset_id).sort(), Object.values(readable).map((a) => a.id).sort(), 'the readable assets\' assignments')

  const drift = (await s.admin.get(`/tenants/${s.tenantId}/drift`)).json()
  t.equal(drift.counts.unreadable_assets, 1)
  t.match(drift.unreadable_assets, [{ asset_type: 'page', asset_id: hidden.id, name: 'Hidden page', relation: 'owned', error_code: 100, fix: /system user/ }])
})

t.test('without pages_manage_metadata every page is unreadable (code 10) and the fix names the permission', async (t) => {
  const s = await syncSetup(t)
  const { sim, businessId } = s
  const page = sim.addAsset(businessId, { type: 'page', name: 'Brand' })
  const account = sim.addAsset(businessId, { type: 'ad_account', name: 'Ads' })
  const partner = sim.addPartner(businessId, { kind: 'client', name: 'Client Co' })
  const shared = sim.addAsset(partner.id, { type: 'ad_account', name: 'Client ads', sharedWith: [businessId], unreadable: true })
  sim.changePermissions({ revoke: ['pages_manage_metadata'] })

  const run = await s.runSync()
  t.equal(run.status, 'succeeded', run.error ?? '')
  t.equal(run.counts.unreadable_assets, 2)
  const drift = (await s.admin.get(`/tenants/${s.tenantId}/drift`)).json()
  const byId = new Map(drift.unreadable_assets.map((a: { asset_id: string }) => [a.asset_id, a]))
  t.match(byId.get(page.id), { error_code: 10, error_class: 'permission', fix: /pages_manage_metadata/ })
  t.match(byId.get(shared.id), { relation: 'client', fix: /partner/ })
  t.notOk(byId.has(account.id), 'the ad account was read')

  sim.changePermissions({ grant: ['pages_manage_metadata'] })
  const again = await s.runSync()
  t.equal(again.counts.unreadable_assets, 1, 'a later sync with the permission reads the page')
})
