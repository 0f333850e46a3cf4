import t from 'tap'
import { provisionedAdmin } from './helpers/provisioned.js'

// Rules name real assets of the simulated business: when connected, PUT checks them (§2.2).
const marketingFor = (pageId: string, adAccountNumber: string) => ({
  group: 'Marketing',
  role: 'employee',
  priority: 10,
  assets: [{ assetType: 'page', assetId: pageId, bundle: 'moderator' }, { assetType: 'ad_account', assetId: adAccountNumber, tasks: ['analyze'] }]
})

async function withAssets (t: Parameters<typeof provisionedAdmin>[0]) {
  const env = await provisionedAdmin(t)
  const page = env.h.sim.addAsset(env.h.businessId, { type: 'page' })
  const ad = env.h.sim.addAsset(env.h.businessId, { type: 'ad_account' })
  const adNumber = ad.id.replace(/^act_/, '')
  return { ...env, marketing: marketingFor(page.id, adNumber), adNumber }
}

t.test('PUT replaces the rules (bundles expanded, ids canonical), GET reads them back, members are reconciled', async (t) => {
  const { h, admin, base, marketing, adNumber } = await withAssets(t)
  const ada = await h.createUser('ada@example.com')
  await h.createGroup('Marketing', [ada])
  await h.drain()
  t.equal((await admin.get(`${base}/queue`)).json().depth, 0)

  const put = await admin.put(`${base}/access-rules`, { rules: [marketing, { group: 'Meta Admins', role: 'ADMIN', priority: 1 }] })
  t.equal(put.statusCode, 200, put.body)
  t.same(put.json().changed_groups.sort(), ['Marketing', 'Meta Admins'])
  t.equal((await admin.get(`${base}/queue`)).json().depth, 1, 'the one member of a changed group is enqueued')

  const got = await admin.get(`${base}/access-rules`)
  t.equal(got.statusCode, 200)
  t.equal(got.json().total, 2)
  t.same(got.json().items.map((r: { group: string }) => r.group), ['Meta Admins', 'Marketing'], 'by priority')
  const rule = got.json().items[1]
  t.equal(rule.role, 'EMPLOYEE')
  t.same(rule.assets.find((a: { assetType: string }) => a.assetType === 'ad_account'), { assetType: 'ad_account', assetId: `act_${adNumber}`, tasks: ['ANALYZE'] })
  t.same(put.json().asset_check, { status: 'checked' }, 'assets checked against the business')
  t.ok(rule.assets.find((a: { assetType: string }) => a.assetType === 'page').tasks.includes('MODERATE'), 'the bundle became tasks')

  const cleared = await admin.put(`${base}/access-rules`, { rules: [] })
  t.equal(cleared.json().total, 0)
  t.equal((await admin.get(`${base}/access-rules`)).json().total, 0)
})

t.test('invalid rules are 400 with details and change nothing', async (t) => {
  const { admin, base, marketing } = await withAssets(t)
  await admin.put(`${base}/access-rules`, { rules: [marketing] })
  const cases: Array<[unknown, RegExp]> = [
    [{ rules: [{ group: 'X', role: 'OWNER' }] }, /body\.rules\.0\.role/],
    [{ rules: [{ group: 'X', role: 'developer' }] }, /body\.rules\.0".*role DEVELOPER cannot be granted.*could never be read back/],
    [{ rules: [{ group: 'X', role: 'PARTNER_CENTER_ADMIN' }] }, /PARTNER_CENTER_ADMIN cannot be granted/],
    [{ rules: [{ group: 'X', assets: [{ assetType: 'printer', assetId: '1', tasks: ['A'] }] }] }, /body\.rules\.0\.assets\.0\.assetType/],
    [{ rules: [{ group: 'X', assets: [{ assetType: 'page', assetId: '1', tasks: ['FLY'] }] }] }, /body\.rules\.0\.assets\.0","message":".*FLY is not a page task/],
    [{ rules: [{ group: 'X', assets: [{ assetType: 'page', assetId: '1', bundle: 'nope' }] }] }, /no bundle .*nope/],
    [{ rules: [{ group: 'X' }, { group: 'x' }] }, /appears twice/],
    [{ rules: [{ group: '' }] }, /body\.rules\.0\.group/],
    [[marketing], /body/]
  ]
  for (const [body, message] of cases) {
    const res = await admin.put(`${base}/access-rules`, body)
    t.equal(res.statusCode, 400, JSON.stringify(body))
    t.match(JSON.stringify(res.json().details), message)
  }
  t.same((await admin.get(`${base}/access-rules`)).json().items.map((r: { group: string }) => r.group), ['Marketing'], 'unchanged')
})

t.test('tenant isolation and 404', async (t) => {
  const { admin, base, otherBase, marketing } = await withAssets(t)
  await admin.put(`${base}/access-rules`, { rules: [marketing] })
  t.same((await admin.get(`${otherBase}/access-rules`)).json(), { items: [], total: 0 }, 'another tenant has none')
  const missing = '/tenants/00000000-0000-4000-8000-000000000000'
  t.equal((await admin.get(`${missing}/access-rules`)).statusCode, 404)
  t.equal((await admin.put(`${missing}/access-rules`, { rules: [] })).statusCode, 404)
})

t.test('when connected, a rule naming an asset the business does not have is 400 and changes nothing', async (t) => {
  const { admin, base, marketing } = await withAssets(t)
  await admin.put(`${base}/access-rules`, { rules: [marketing] })
  const stranger = { group: 'Agency', assets: [{ assetType: 'ad_account', assetId: '999999999', tasks: ['ANALYZE'] }] }
  const res = await admin.put(`${base}/access-rules`, { rules: [marketing, stranger] })
  t.equal(res.statusCode, 400)
  t.match(res.json().details, [{ path: 'body.rules.1.assets.0.assetId', message: /no ad_account act_999999999/ }])
  t.same((await admin.get(`${base}/access-rules`)).json().items.map((r: { group: string }) => r.group), ['Marketing'], 'unchanged')
})

t.test('a dry-run tenant saves rules unchecked and says so', async (t) => {
  const { h, admin, base } = await withAssets(t)
  await h.settings({ dryRun: true })
  const res = await admin.put(`${base}/access-rules`, { rules: [{ group: 'Agency', assets: [{ assetType: 'page', assetId: '42', bundle: 'moderator' }] }] })
  t.equal(res.statusCode, 200)
  t.match(res.json().asset_check, { status: 'skipped' })
})
