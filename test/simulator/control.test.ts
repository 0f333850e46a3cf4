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

t.test('seed a business over HTTP and drive an invite through its lifecycle', async t => {
  const { url } = await startSimulator(t)
  const seeded = await control(url, 'POST', '/businesses', { name: 'Ctl Co', admins: [{ email: 'boss@ctl.example' }] })
  t.equal(seeded.status, 201)
  const { businessId, accessToken } = seeded.body
  t.match(seeded.body, { businessId: /^\d+$/, accessToken: /^SIM/, admins: [{ email: 'boss@ctl.example' }] })

  const member = await control(url, 'POST', `/businesses/${businessId}/members`, { email: 'm@ctl.example', role: 'EMPLOYEE' })
  t.equal(member.status, 201)
  const invite = await control(url, 'POST', `/businesses/${businessId}/invites`, { email: 'i@ctl.example', invitedUserType: ['MWA'] })
  t.equal(invite.body.status, 'pending')
  const accepted = await control(url, 'POST', `/invites/${invite.body.id}/accept`, { firstName: 'Ivy' })
  t.match(accepted.body, { email: 'i@ctl.example', isWorkAccount: true, firstName: 'Ivy' })
  const users = await graph(url, accessToken, 'GET', `${V}/${businessId}/business_users`, { fields: 'email' })
  t.same(users.body.data.map((u: { email: string }) => u.email).sort(), ['boss@ctl.example', 'i@ctl.example', 'm@ctl.example'])

  const second = await control(url, 'POST', `/businesses/${businessId}/invites`, { email: 'j@ctl.example' })
  t.equal((await control(url, 'POST', `/invites/${second.body.id}/decline`)).status, 200)
  const third = await control(url, 'POST', `/businesses/${businessId}/invites`, { email: 'k@ctl.example' })
  t.equal((await control(url, 'POST', `/invites/${third.body.id}/expire`)).status, 200)
  t.equal((await control(url, 'POST', `/invites/${third.body.id}/expire`)).status, 400, 'an expired invite cannot expire again')
  t.equal((await control(url, 'POST', `/members/${member.body.id}/work-account`)).body.isWorkAccount, true)

  const dump = await control(url, 'GET', `/businesses/${businessId}`)
  t.same(dump.body.invites.map((i: { status: string }) => i.status).sort(), ['accepted', 'declined', 'expired'])
})

t.test('assets, partners, system users, tokens and assignments', async t => {
  const { url } = await startSimulator(t)
  const { body: biz } = await control(url, 'POST', '/businesses', {})
  const b = biz.businessId
  const asset = await control(url, 'POST', `/businesses/${b}/assets`, { type: 'ad_account', name: 'Ads' })
  t.match(asset.body, { id: /^act_\d+$/, type: 'ad_account' })
  const partner = await control(url, 'POST', `/businesses/${b}/partners`, { kind: 'agency', name: 'Ag' })
  t.equal(partner.status, 201)
  const su = await control(url, 'POST', `/businesses/${b}/system-users`, { name: 'bot', role: 'EMPLOYEE' })
  t.match(su.body, { systemUser: { name: 'bot', role: 'EMPLOYEE' }, token: /^SIM/ })
  const token = await control(url, 'POST', `/businesses/${b}/tokens`, { actor: { kind: 'system_user', id: su.body.systemUser.id }, role: 'EMPLOYEE', value: 'fixed-token' })
  t.same(token.body, { accessToken: 'fixed-token' })
  t.equal((await control(url, 'POST', `/assets/${asset.body.id}/assignments`, { user: su.body.systemUser.id, tasks: ['ANALYZE'] })).status, 200)
  const assigned = await graph(url, 'fixed-token', 'GET', `${V}/${asset.body.id}/assigned_users`, { business: b, fields: 'id,tasks,user_type' })
  t.same(assigned.body.data, [{ id: su.body.systemUser.id, tasks: ['ANALYZE'], user_type: 'system_user' }])
  const agencies = await graph(url, biz.accessToken, 'GET', `${V}/${b}/agencies`)
  t.equal(agencies.body.data[0].id, partner.body.id)
})

t.test('faults, call log, rate limits, settings and reset', async t => {
  const { url } = await startSimulator(t)
  const { body: biz } = await control(url, 'POST', '/businesses', {})
  const b = biz.businessId
  const fault = await control(url, 'POST', '/faults', { route: 'business_users.list', times: 2, error: { code: 2, is_transient: true } })
  t.equal(fault.status, 201)
  t.equal((await control(url, 'GET', '/faults')).body.length, 1)
  for (let i = 0; i < 2; i++) {
    t.match((await graph(url, biz.accessToken, 'GET', `${V}/${b}/business_users`)).body.error, { code: 2, is_transient: true })
  }
  t.equal((await graph(url, biz.accessToken, 'GET', `${V}/${b}/business_users`)).status, 200, 'the fault ran out after two calls')
  const calls = await control(url, 'GET', '/calls?route=business_users.list')
  t.same(calls.body.map((c: { status: number }) => c.status), [500, 500, 200])
  t.equal((await control(url, 'GET', `/calls?since=${calls.body[1].seq}`)).body.length, 1)

  const key = `app:${biz.appId}`
  t.match((await control(url, 'POST', '/rate-limits/usage', { bucket: key, pct: 100 })).body, { key, usagePct: 100 })
  t.match((await graph(url, biz.accessToken, 'GET', `${V}/${b}/business_users`)).body.error, { code: 4 })
  t.match((await control(url, 'GET', '/rate-limits')).body.find((x: { key: string }) => x.key === key), { blockedCalls: 1 })

  t.equal((await control(url, 'PATCH', '/settings', { paging: { defaultLimit: 7 } })).body.paging.defaultLimit, 7)
  t.equal((await control(url, 'GET', '/settings')).body.paging.maxLimit, 100, 'other settings kept')
  t.equal((await control(url, 'POST', '/reset')).status, 200)
  t.equal((await control(url, 'GET', '/settings')).body.paging.defaultLimit, 25, 'reset restores settings')
  t.equal((await control(url, 'GET', `/businesses/${b}`)).status, 404, 'and empties the state')
  t.same((await control(url, 'GET', '/calls')).body, [])
})

t.test('bad control requests', async t => {
  const { url } = await startSimulator(t)
  t.equal((await control(url, 'POST', '/faults', { times: 1 })).status, 400, 'route is required')
  t.equal((await control(url, 'POST', '/businesses/1/members', { email: 'x@y.z' })).status, 404)
  t.equal((await control(url, 'POST', '/invites/1/accept')).status, 404)
  t.equal((await control(url, 'POST', '/businesses', { twoFactorType: 'sometimes' })).status, 400)
})
