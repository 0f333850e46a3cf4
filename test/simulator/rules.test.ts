import t from 'tap'
import { graph, startSimulator } from '../meta/helpers/harness.js'

const V = 'v26.0'

async function world (t: Parameters<typeof startSimulator>[0], options: Parameters<typeof startSimulator>[1] = {}, business = {}) {
  const { sim, url } = await startSimulator(t, options)
  const s = sim.seedBusiness(business)
  const call = (method: string, path: string, params: Record<string, string> = {}, token: string | null = s.token) =>
    graph(url, token, method, `${V}/${path}`, params)
  return { sim, url, s, b: s.business.id, call }
}

t.test('last admin: cannot be demoted or removed (3914); with two admins one can go', async t => {
  const { sim, s, b, call } = await world(t)
  const only = s.admins[0]!
  const demote = await call('POST', only.id, { role: 'EMPLOYEE' })
  t.equal(demote.status, 400)
  t.equal(demote.body.error.code, 3914)
  t.match(demote.body.error.message, /last admin/)
  t.equal((await call('DELETE', only.id)).body.error.code, 3914)
  t.equal(sim.store.members.get(only.id)?.role, 'ADMIN', 'nothing changed')

  const second = sim.addMember(b, { email: 'second@corp.example', role: 'ADMIN' })
  t.same((await call('POST', only.id, { role: 'EMPLOYEE' })).body, { success: true })
  t.equal((await call('DELETE', second.id)).body.error.code, 3914, 'now the second admin is the last one')
  const employee = sim.addMember(b, { email: 'e@corp.example' })
  t.same((await call('DELETE', employee.id)).body, { success: true }, 'employees can always be removed')
})

t.test('enums are validated with (#100) errors', async t => {
  const { sim, b, call } = await world(t)
  const badRole = await call('POST', `${b}/business_users`, { email: 'x@corp.example', role: 'OWNER' })
  t.equal(badRole.body.error.code, 100)
  t.match(badRole.body.error.message, /role must be one of \{ADMIN, ADS_RIGHTS_REVIEWER, /)
  t.equal((await call('POST', `${b}/business_users`, { email: 'x@corp.example', invited_user_type: '["XYZ"]' })).body.error.code, 100)
  const member = sim.addMember(b, { email: 'm@corp.example' })
  const page = sim.addAsset(b, { type: 'page' })
  const badTask = await call('POST', `${page.id}/assigned_users`, { user: member.id, business: b, tasks: '["FLY"]' })
  t.match(badTask.body.error, { code: 100, message: /tasks must be one of/ })
  t.equal((await call('POST', member.id, { role: 'KING' })).body.error.code, 100)
  t.equal(sim.store.requestsOf(b).length, 0, 'no invite was created by the failed calls')
})

t.test('required parameters', async t => {
  const { sim, b, call } = await world(t)
  const member = sim.addMember(b, { email: 'm@corp.example' })
  const ad = sim.addAsset(b, { type: 'ad_account' })
  const pixel = sim.addAsset(b, { type: 'pixel' })
  const invite = sim.addInvite(b, { email: 'p@corp.example' })
  const cases: Array<[string, string, Record<string, string>, RegExp]> = [
    ['POST', `${b}/business_users`, {}, /email is required/],
    ['POST', `${b}/business_users`, { email: 'not-an-email' }, /valid email/],
    ['GET', `${ad.id}/assigned_users`, {}, /business is required/],
    ['POST', `${ad.id}/assigned_users`, { tasks: '["ANALYZE"]' }, /user is required/],
    ['POST', `${pixel.id}/assigned_users`, { user: member.id }, /tasks is required/],
    ['POST', invite.id, {}, /role is required/]
  ]
  for (const [method, path, params, message] of cases) {
    const res = await call(method, path, params)
    t.equal(res.body?.error?.code, 100, `${method} ${path} ${JSON.stringify(params)}`)
    t.match(res.body?.error?.message, message)
  }
})

t.test('task combinations (1752129) and business-scoped users (1752100)', async t => {
  const { sim, b, call } = await world(t)
  const member = sim.addMember(b, { email: 'm@corp.example' })
  const ad = sim.addAsset(b, { type: 'ad_account' })
  for (const tasks of [['MANAGE'], ['MANAGE', 'ANALYZE'], ['DRAFT']]) {
    const res = await call('POST', `${ad.id}/assigned_users`, { user: member.id, tasks: JSON.stringify(tasks) })
    t.match(res.body.error, { code: 100, error_subcode: 1752129, message: /Task Combination Is Not Supported/ }, tasks.join('+'))
  }
  for (const tasks of [['ANALYZE', 'ADVERTISE', 'MANAGE'], ['ADVERTISE', 'ANALYZE'], ['ANALYZE']]) {
    t.same((await call('POST', `${ad.id}/assigned_users`, { user: member.id, tasks: JSON.stringify(tasks) })).body, { success: true }, tasks.join('+'))
  }
  const invite = sim.addInvite(b, { email: 'p@corp.example' })
  const pending = await call('POST', `${ad.id}/assigned_users`, { user: invite.id, tasks: '["ANALYZE"]' })
  t.match(pending.body.error, { code: 100, error_subcode: 1752100 }, 'a pending invite is not a business-scoped user')
  sim.updateSettings({ taskCombinations: { ad_account: null } })
  t.same((await call('POST', `${ad.id}/assigned_users`, { user: member.id, tasks: '["DRAFT"]' })).body, { success: true }, 'combination table is a setting')
})

t.test('2FA rule (415) on people-management writes', async t => {
  const { sim, b, call, s } = await world(t, {}, { twoFactorType: 'all_required' })
  const appId = s.app.id
  const unverified = sim.addToken({ businessId: b, appId, actor: { kind: 'system_user', id: s.systemUser.id }, role: 'ADMIN', twoFactorVerified: false })
  const invite = await call('POST', `${b}/business_users`, { email: 'a@corp.example' }, unverified)
  t.match(invite.body.error, { code: 415 })
  t.equal((await call('GET', `${b}/business_users`, {}, unverified)).status, 200, 'reads are not affected')
  t.equal((await call('POST', `${b}/business_users`, { email: 'a@corp.example' })).status, 200, 'a 2FA-verified actor may invite')

  sim.store.businesses.get(b)!.twoFactorType = 'none'
  t.equal((await call('POST', `${b}/business_users`, { email: 'b@corp.example' }, unverified)).status, 200, 'no 2FA enforced')
  sim.store.businesses.get(b)!.twoFactorType = 'admin_required'
  t.equal((await call('POST', `${b}/business_users`, { email: 'c@corp.example' }, unverified)).body.error.code, 415, 'admin actor must have 2FA')
})

t.test('app ownership, token scope and admin-only people management', async t => {
  const { sim, url, b, s } = await world(t)
  const unclaimed = sim.seedBusiness({ claimApp: false })
  const res = await graph(url, unclaimed.token, 'GET', `${V}/${unclaimed.business.id}/business_users`)
  t.equal(res.status, 403)
  t.match(res.body.error, { code: 200, message: /claimed/ })

  const child = sim.seedBusiness({ parentId: b, claimApp: false, appId: s.app.id })
  t.equal((await graph(url, child.token, 'GET', `${V}/${child.business.id}/business_users`)).status, 200, 'a parent\'s claim covers child businesses')

  t.equal((await graph(url, s.token, 'GET', `${V}/${unclaimed.business.id}/business_users`)).body.error.code, 200, 'a token cannot reach another business')

  const { token: employeeToken } = sim.addSystemUser(b, { name: 'employee bot', role: 'EMPLOYEE' })
  t.equal((await graph(url, employeeToken, 'POST', `${V}/${b}/business_users`, { email: 'z@corp.example' })).body.error.code, 200)
  t.equal((await graph(url, employeeToken, 'GET', `${V}/${b}/business_users`)).status, 200, 'employees can read')
})

t.test('tokens: header or access_token parameter; missing and unknown tokens', async t => {
  const { url, b, s } = await world(t)
  t.equal((await graph(url, null, 'GET', `${V}/${b}/business_users`, { access_token: s.token })).status, 200)
  t.match((await graph(url, null, 'GET', `${V}/${b}/business_users`)).body.error, { code: 104 })
  t.match((await graph(url, 'nope', 'GET', `${V}/${b}/business_users`)).body.error, { code: 190 })
})

t.test('versions: unknown ones fail (2635), unversioned ones by setting', async t => {
  const { sim, url, b, s } = await world(t)
  t.match((await graph(url, s.token, 'GET', `v2.0/${b}/business_users`)).body.error, { code: 2635 })
  t.equal((await graph(url, s.token, 'GET', `v25.0/${b}/business_users`)).status, 200)
  t.equal((await graph(url, s.token, 'GET', `${b}/business_users`)).status, 200)
  sim.updateSettings({ allowUnversioned: false })
  t.match((await graph(url, s.token, 'GET', `${b}/business_users`)).body.error, { code: 2635 })
})

t.test('fields: defaults, selection, expansion, unknown fields', async t => {
  const { b, s, call } = await world(t, {}, { name: 'Acme' })
  const admin = s.admins[0]!
  const defaults = await call('GET', `${b}/business_users`)
  t.same(Object.keys(defaults.body.data[0]).sort(), ['business', 'id', 'name', 'role'])
  t.same(defaults.body.data[0].business, { id: b, name: 'Acme' })
  const picked = await call('GET', admin.id, { fields: 'email,business{name}' })
  t.same(picked.body, { id: admin.id, email: admin.email, business: { id: b, name: 'Acme' } }, 'id always comes back')
  const unknown = await call('GET', `${b}/business_users`, { fields: 'id,shoe_size' })
  t.match(unknown.body.error, { code: 100, message: /nonexisting field \(shoe_size\) on node type \(BusinessUser\)/ })
  t.equal((await call('GET', `${b}/pending_users`, { fields: 'id,email{' })).body.error.code, 100, 'malformed selection')
})

t.test('unknown objects and edges', async t => {
  const { b, call } = await world(t)
  t.match((await call('GET', '424242')).body.error, { code: 100, error_subcode: 33, message: /Object with ID '424242' does not exist/ })
  t.match((await call('GET', `${b}/not_an_edge`)).body.error, { code: 100, error_subcode: 33, message: /^Unsupported get request\. Object with ID/ })
  t.equal((await call('DELETE', b)).body.error.code, 100, 'a business cannot be deleted')
})

t.test('assignment settings: cascade on removal, merge vs replace, page business, pixel delete', async t => {
  const { sim, b, call } = await world(t)
  const member = sim.addMember(b, { email: 'm@corp.example' })
  const page = sim.addAsset(b, { type: 'page' })
  const pixel = sim.addAsset(b, { type: 'pixel' })
  await call('POST', `${page.id}/assigned_users`, { user: member.id, business: b, tasks: 'ANALYZE' })
  t.same(sim.store.assignmentsOf(page.id).get(member.id), ['ANALYZE'], 'comma lists accepted by default')
  sim.updateSettings({ taskAssignment: 'merge' })
  await call('POST', `${page.id}/assigned_users`, { user: member.id, business: b, tasks: '["MODERATE"]' })
  t.same(sim.store.assignmentsOf(page.id).get(member.id), ['ANALYZE', 'MODERATE'])
  sim.updateSettings({ acceptCommaLists: false })
  t.match((await call('POST', `${page.id}/assigned_users`, { user: member.id, tasks: '["MODERATE"]' })).body.error, { message: /business is required/ })
  t.match((await call('POST', `${page.id}/assigned_users`, { user: member.id, business: b, tasks: 'MODERATE' })).body.error, { message: /must be a JSON array|must be an array/ })
  sim.updateSettings({ pixelUnassignSupported: false })
  t.equal((await call('DELETE', `${pixel.id}/assigned_users`, { user: member.id })).body.error.code, 100)

  t.same((await call('DELETE', member.id)).body, { success: true })
  t.equal(sim.store.assignmentsOf(page.id).has(member.id), false, 'removal drops assignments')
})

t.test('system users appear in business_users only by setting', async t => {
  const { sim, b, s, call } = await world(t)
  const ids = async () => (await call('GET', `${b}/business_users`)).body.data.map((u: { id: string }) => u.id)
  t.notOk((await ids()).includes(s.systemUser.id))
  sim.updateSettings({ systemUsersInBusinessUsers: true })
  t.ok((await ids()).includes(s.systemUser.id))
})
