import t from 'tap'
import { provisionedAdmin } from './helpers/provisioned.js'

const marketing = {
  group: 'Marketing',
  role: 'employee',
  priority: 10,
  assets: [{ assetType: 'page', assetId: '5678', bundle: 'moderator' }, { assetType: 'ad_account', assetId: '1234', tasks: ['analyze'] }]
}

t.test('PUT replaces the rules (bundles expanded, ids canonical), GET reads them back, members are reconciled', async (t) => {
  const { h, admin, base } = await provisionedAdmin(t)
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
  t.same(rule.assets.find((a: { assetType: string }) => a.assetType === 'ad_account'), { assetType: 'ad_account', assetId: 'act_1234', tasks: ['ANALYZE'] })
  t.ok(rule.assets.find((a: { assetType: string }) => a.assetType === 'page').tasks.includes('MODERATE'), 'the bundle became tasks')

  const cleared = await admin.put(`${base}/access-rules`, { rules: [] })
  t.equal(cleared.json().total, 0)
  t.equal((await admin.get(`${base}/access-rules`)).json().total, 0)
})

t.test('invalid rules are 400 with details and change nothing', async (t) => {
  const { admin, base } = await provisionedAdmin(t)
  await admin.put(`${base}/access-rules`, { rules: [marketing] })
  const cases: Array<[unknown, RegExp]> = [
    [{ rules: [{ group: 'X', role: 'OWNER' }] }, /body\.rules\.0\.role/],
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
  const { admin, base, otherBase } = await provisionedAdmin(t)
  await admin.put(`${base}/access-rules`, { rules: [marketing] })
  t.same((await admin.get(`${otherBase}/access-rules`)).json(), { items: [], total: 0 }, 'another tenant has none')
  const missing = '/tenants/00000000-0000-4000-8000-000000000000'
  t.equal((await admin.get(`${missing}/access-rules`)).statusCode, 404)
  t.equal((await admin.put(`${missing}/access-rules`, { rules: [] })).statusCode, 404)
})
