import t from 'tap'
import { syncSetup } from './helpers/setup.js'

// A first sync against the simulator's realistic defaults (docs/meta-graph-api.md §2.2, §2.3,
// §3.2): Instagram assets have only id, ig_user_id and ig_username; assigned_users rows carry
// task names outside Meta's own enums; Instagram rows have no permitted_tasks.

t.test('a first sync of a business with Instagram assets and live task names succeeds', async (t) => {
  const s = await syncSetup(t, { pageSize: 2, assignedFirstPage: 2 })
  const { sim, businessId } = s
  const ann = sim.addMember(businessId, { email: 'ann@corp.example' })
  const ben = sim.addMember(businessId, { email: 'ben@corp.example' })
  const client = sim.addPartner(businessId, { kind: 'client', name: 'Client Co' })
  const ig = sim.addAsset(businessId, { type: 'instagram_account', name: 'ironworkslondon' })
  const clientIg = sim.addAsset(client.id, { type: 'instagram_account', name: 'clientgram', sharedWith: [businessId] })
  const ad = sim.addAsset(businessId, { type: 'ad_account', name: 'Main ads' })
  const whatsapp = sim.addAsset(businessId, { type: 'whatsapp_business_account', name: 'Support line' })
  sim.assign(ig.id, ann.id, ['FULL_CONTROL', 'CREATIVE_MANAGEMENT'])
  sim.assign(ig.id, ben.id, ['ADVERTISE', 'ANALYZE', 'CONTENT', 'MESSAGES', 'COMMUNITY_ACTIVITY'])
  sim.assign(clientIg.id, ann.id, ['CREATOR_MANAGEMENT'])
  sim.assign(ad.id, ann.id, ['ADVERTISE', 'ANALYZE', 'DRAFT', 'FB_EMPLOYEE_DSO_ADVERTISE'])
  sim.assign(whatsapp.id, ben.id, ['MANAGE'])
  await s.addUser({ userName: 'ann@corp.example', role: 'EMPLOYEE' })

  const run = await s.runSync()
  t.equal(run.status, 'succeeded', run.error ?? '')
  t.match(run.counts, { assets: 4, assignments: 5, matched_users: 1 })
  const refused = sim.calls.list().filter((c) => c.status !== 200)
  t.same(refused.map((c) => `${c.method} ${c.path} ${c.status}`), [], 'Meta refused no call')

  const assets = await s.db.selectFrom('meta_directory_assets').select(['asset_id', 'name', 'relation'])
    .where('tenant_id', '=', s.tenantId).where('asset_type', '=', 'instagram_account').orderBy('relation').execute()
  t.same(assets, [
    { asset_id: clientIg.id, name: 'clientgram', relation: 'client' },
    { asset_id: ig.id, name: 'ironworkslondon', relation: 'owned' }
  ], 'Instagram assets are named by ig_username')

  const tasksOf = async (assetId: string, personId: string): Promise<unknown> => (await s.db.selectFrom('meta_directory_assignments')
    .select('tasks').where('tenant_id', '=', s.tenantId).where('asset_id', '=', assetId).where('person_id', '=', personId)
    .executeTakeFirst())?.tasks
  t.same(await tasksOf(ig.id, ann.id), ['CREATIVE_MANAGEMENT', 'FULL_CONTROL'], 'unknown Instagram task names are kept')
  t.same(await tasksOf(clientIg.id, ann.id), ['CREATOR_MANAGEMENT'])
  t.same(await tasksOf(ad.id, ann.id), ['ADVERTISE', 'ANALYZE', 'DRAFT', 'FB_EMPLOYEE_DSO_ADVERTISE'])

  const drift = await s.admin.get(`/tenants/${s.tenantId}/drift`)
  t.equal(drift.statusCode, 200, 'the drift report reads them too')
  t.ok(JSON.stringify(drift.json()).includes('FULL_CONTROL'), 'and shows the unknown names')
})
