import t from 'tap'
import { ASSET_TASKS, ASSET_TYPES, type AssetType } from '../../src/meta/vocabulary/enums.js'
import { setup } from './helpers/harness.js'

const SAMPLE_TASKS: { [T in AssetType]: Array<typeof ASSET_TASKS[T][number]> } = {
  ad_account: ['ADVERTISE', 'ANALYZE'],
  page: ['CREATE_CONTENT', 'MODERATE'],
  pixel: ['ANALYZE', 'UPLOAD'],
  product_catalog: ['MANAGE'],
  instagram_account: ['CONTENT', 'MESSAGES'],
  whatsapp_business_account: ['MANAGE_TEMPLATES', 'VIEW_COST']
}

t.test('listAssets lists owned and client assets of every type', async t => {
  const { client, sim, businessId } = await setup(t)
  const clientBiz = sim.addPartner(businessId, { kind: 'client', name: 'Client Co' })
  for (const type of ASSET_TYPES) {
    const owned = sim.addAsset(businessId, { type, name: `own ${type}` })
    const shared = sim.addAsset(clientBiz.id, { type, name: `shared ${type}`, sharedWith: [businessId] })
    sim.addAsset(clientBiz.id, { type, name: `private ${type}` })
    t.same((await client.listAssets(type)).map(a => a.id), [owned.id], `owned ${type}`)
    t.same((await client.listAssets(type, { relation: 'client' })).map(a => a.id), [shared.id], `client ${type}`)
  }
  const [ad] = await client.listAssets('ad_account')
  t.match(ad?.id, /^act_\d+$/, 'ad accounts are addressed as act_<id>')
  t.equal(ad?.account_id, ad?.id.slice(4))
})

t.test('assign, read and unassign people on every asset type', async t => {
  const { client, sim, businessId } = await setup(t)
  const person = sim.addMember(businessId, { email: 'ops@corp.example' })
  for (const type of ASSET_TYPES) {
    const asset = sim.addAsset(businessId, { type })
    const ref = { type, id: asset.id }
    t.same(await client.getAssignedUsers(ref), [], `${type} starts empty`)
    await client.assignUser(ref, person.id, SAMPLE_TASKS[type])
    const assigned = await client.getAssignedUsers(ref)
    t.equal(assigned.length, 1, `${type} has one person`)
    t.equal(assigned[0]?.id, person.id)
    const read: string[] = assigned[0]?.tasks ?? []
    t.ok(SAMPLE_TASKS[type].every((task) => read.includes(task)), `${type} tasks: what was posted, and what Meta unpacks from it`)
    // Read as Meta answers: live lists (names outside the spec), none at all on Instagram rows.
    const permitted = sim.settings.permittedTasksOnRead[type] ?? [...ASSET_TASKS[type]]
    t.same(assigned[0]?.permitted_tasks?.slice().sort(), type === 'instagram_account' ? undefined : [...permitted].sort(), `${type} permitted_tasks`)
    if (type === 'pixel') {
      const before = sim.calls.lastSeq
      t.match(await client.unassignUser(ref, person.id).catch((e: unknown) => e), { source: 'unsupported', errorClass: 'business_rule' })
      t.equal(sim.calls.lastSeq, before, 'pixels cannot be un-assigned through the API: nothing is sent')
      continue
    }
    t.equal(await client.unassignUser(ref, person.id), 'removed')
    t.same(await client.getAssignedUsers(ref), [], `${type} empty again`)
  }
})

t.test('read leniently: task names outside the spec\'s enums are kept', async t => {
  const { client, sim, businessId } = await setup(t)
  const person = sim.addMember(businessId, { email: 'ig@corp.example' })
  const ig = sim.addAsset(businessId, { type: 'instagram_account' })
  const ad = sim.addAsset(businessId, { type: 'ad_account' })
  sim.assign(ig.id, person.id, ['FULL_CONTROL', 'CREATIVE_MANAGEMENT'])
  sim.assign(ad.id, person.id, ['ADVERTISE', 'FB_EMPLOYEE_DSO_ADVERTISE'])
  t.same((await client.getAssignedUsers({ type: 'instagram_account', id: ig.id }))[0]?.tasks, ['FULL_CONTROL', 'CREATIVE_MANAGEMENT'])
  const [batched] = await client.batch([client.operations.getAssignedUsers({ type: 'ad_account', id: ad.id })])
  t.match(batched, { ok: true, value: { data: [{ id: person.id }] } })
  const batchedTasks = (batched as { value?: { data?: Array<{ tasks?: string[] }> } }).value?.data?.[0]?.tasks ?? []
  t.ok(['ADVERTISE', 'FB_EMPLOYEE_DSO_ADVERTISE'].every((task) => batchedTasks.includes(task)), 'a live name read back in a batch is kept')
})

t.test('Instagram grants go as JSON; a batch cannot carry them', async t => {
  const { client, sim, businessId } = await setup(t)
  const person = sim.addMember(businessId, { email: 'ig@corp.example' })
  const ig = sim.addAsset(businessId, { type: 'instagram_account' })
  await client.assignUser({ type: 'instagram_account', id: ig.id }, person.id, ['CONTENT'])
  t.match(sim.calls.list({ route: 'assigned_users.assign' }), [{ status: 200, bodyEncoding: 'json' }])
  t.throws(() => client.operations.assignUser({ type: 'instagram_account', id: ig.id }, person.id, ['CONTENT']), /JSON body/)
})

t.test('an ad account id without act_ is addressed with it', async t => {
  const { client, sim, businessId } = await setup(t)
  const person = sim.addMember(businessId, { email: 'ads@corp.example' })
  const asset = sim.addAsset(businessId, { type: 'ad_account' })
  await client.assignUser({ type: 'ad_account', id: asset.id.slice(4) }, person.id, ['ANALYZE'])
  t.same(sim.store.assignmentsOf(asset.id).get(person.id), ['ANALYZE'])
  const call = sim.calls.list({ route: 'assigned_users.assign' })[0]
  t.equal(call?.path, `/v26.0/${asset.id}/assigned_users`)
})

t.test('assignUser sends the business and replaces the task set', async t => {
  const { client, sim, businessId } = await setup(t)
  const person = sim.addMember(businessId, { email: 'x@corp.example' })
  const asset = sim.addAsset(businessId, { type: 'ad_account' })
  await client.assignUser({ type: 'ad_account', id: asset.id }, person.id, ['MANAGE', 'ADVERTISE', 'ANALYZE'])
  await client.assignUser({ type: 'ad_account', id: asset.id }, person.id, ['ANALYZE'])
  t.same(sim.store.assignmentsOf(asset.id).get(person.id), ['ANALYZE'])
})

t.test('an unsupported task combination is a business rule error', async t => {
  const { client, sim, businessId } = await setup(t)
  const person = sim.addMember(businessId, { email: 'y@corp.example' })
  const asset = sim.addAsset(businessId, { type: 'ad_account' })
  const err = await client.assignUser({ type: 'ad_account', id: asset.id }, person.id, ['MANAGE']).catch((e: unknown) => e)
  t.match(err, { code: 100, subcode: 1752129, errorClass: 'business_rule' })
})

t.test('listSystemUsers, listAgencies and listClients', async t => {
  const { client, sim, businessId, seeded } = await setup(t)
  const { systemUser } = sim.addSystemUser(businessId, { name: 'Reporting bot', role: 'EMPLOYEE' })
  const systemUsers = await client.listSystemUsers()
  t.same(systemUsers.map(s => s.id).sort(), [seeded.systemUser.id, systemUser.id].sort())
  t.match(systemUsers.find(s => s.id === systemUser.id), { name: 'Reporting bot' })

  const agency = sim.addPartner(businessId, { kind: 'agency', name: 'Agency A' })
  const page = sim.addAsset(businessId, { type: 'page', sharedWith: [agency.id] })
  const partnerClient = sim.addPartner(businessId, { kind: 'client', name: 'Client C' })
  const agencies = await client.listAgencies()
  t.equal(agencies.length, 1)
  t.match(agencies[0], { id: agency.id, name: 'Agency A', page_permissions: [{ id: page.id }] })
  t.same((await client.listClients()).map(c => [c.id, c.name]), [[partnerClient.id, 'Client C']])
})
