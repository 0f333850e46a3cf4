import t from 'tap'
import { graph, startSimulator } from '../meta/helpers/harness.js'

const V = 'v26.0'

async function control (url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}/__sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return { status: res.status, body: await res.json() as any }
}

t.test('a default token holds what the bridge needs; debug_token reports it', async t => {
  const { sim, url } = await startSimulator(t)
  const s = sim.seedBusiness()
  const page = sim.addAsset(s.business.id, { type: 'page' })
  const read = await graph(url, s.token, 'GET', `${V}/${page.id}/assigned_users`, { business: s.business.id })
  t.equal(read.status, 200)
  const debug = await graph(url, s.token, 'GET', `${V}/debug_token`, { input_token: s.token })
  t.equal(debug.status, 200)
  t.match(debug.body.data, { is_valid: true, expires_at: 0, type: 'SYSTEM_USER', app_id: s.app.id, user_id: s.systemUser.id })
  t.ok(debug.body.data.scopes.includes('pages_manage_metadata'))
  t.ok(debug.body.data.scopes.includes('business_management'))
  const unknown = await graph(url, s.token, 'GET', `${V}/debug_token`, { input_token: 'nope' })
  t.equal(unknown.body.data.is_valid, false)
})

t.test('page assigned_users without pages_manage_metadata: code 10; other edges: 200; control routes', async t => {
  const { sim, url } = await startSimulator(t)
  const s = sim.seedBusiness()
  const page = sim.addAsset(s.business.id, { type: 'page' })
  const account = sim.addAsset(s.business.id, { type: 'ad_account' })
  const revoked = await control(url, 'POST', '/permissions', { revoke: ['pages_manage_metadata'] })
  t.equal(revoked.status, 200)
  t.notOk(revoked.body.granted.includes('pages_manage_metadata'))
  const denied = await graph(url, s.token, 'GET', `${V}/${page.id}/assigned_users`, { business: s.business.id })
  t.equal(denied.body.error.code, 10)
  t.equal(denied.status, 403)
  const other = await graph(url, s.token, 'GET', `${V}/${account.id}/assigned_users`, { business: s.business.id })
  t.equal(other.status, 200, 'an ad account does not need that permission')
  const debug = await graph(url, s.token, 'GET', `${V}/debug_token`, { input_token: s.token })
  t.notOk(debug.body.data.scopes.includes('pages_manage_metadata'), 'debug_token shows the missing permission')

  await control(url, 'POST', '/permissions', { revoke: ['business_management'], grant: ['pages_manage_metadata'] })
  const people = await graph(url, s.token, 'GET', `${V}/${s.business.id}/business_users`)
  t.equal(people.body.error.code, 200, 'people need business_management (200 "Permissions error")')
  t.equal((await control(url, 'POST', '/permissions', { bogus: true })).status, 400)
})

t.test('a token with its own permission list; an unreadable asset answers 100/33 on every call', async t => {
  const { sim, url } = await startSimulator(t)
  const s = sim.seedBusiness()
  const limited = sim.addToken({
    businessId: s.business.id, appId: s.app.id, actor: { kind: 'system_user', id: s.systemUser.id }, role: 'ADMIN', permissions: ['business_management']
  })
  const catalog = sim.addAsset(s.business.id, { type: 'product_catalog' })
  const denied = await graph(url, limited, 'GET', `${V}/${catalog.id}/assigned_users`, { business: s.business.id })
  t.equal(denied.body.error.code, 200)
  t.equal((await graph(url, s.token, 'GET', `${V}/${catalog.id}/assigned_users`, { business: s.business.id })).status, 200)

  const page = await control(url, 'POST', `/businesses/${s.business.id}/assets`, { type: 'page', unreadable: true })
  t.equal(page.body.readable, false)
  const listed = await graph(url, s.token, 'GET', `${V}/${s.business.id}/owned_pages`)
  t.same(listed.body.data.map((p: { id: string }) => p.id), [page.body.id], 'still listed')
  const read = await graph(url, s.token, 'GET', `${V}/${page.body.id as string}/assigned_users`, { business: s.business.id })
  t.match(read.body.error, { code: 100, error_subcode: 33 })
  t.match(read.body.error.message, page.body.id)
  t.equal((await control(url, 'POST', `/assets/${page.body.id as string}/readable`, { readable: true })).status, 200)
  t.equal((await graph(url, s.token, 'GET', `${V}/${page.body.id as string}/assigned_users`, { business: s.business.id })).status, 200)
  t.equal((await control(url, 'POST', '/assets/999/readable', { readable: true })).status, 404)
})
