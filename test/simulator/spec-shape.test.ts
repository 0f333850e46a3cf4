import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { graph, startSimulator } from '../meta/helpers/harness.js'

// The simulator answers from Meta's spec files (node types, fields, edges, methods) and, by
// default, with what real Graph answers show beyond them (docs/meta-graph-api.md §2.3, §6).

const V = 'v26.0'

async function world (t: Parameters<typeof startSimulator>[0]) {
  const { sim, url } = await startSimulator(t)
  const s = sim.seedBusiness()
  const b = s.business.id
  const call = async (method: string, path: string, params: Record<string, string> = {}) =>
    await graph(url, s.token, method, `${V}/${path}`, params)
  const postJson = async (path: string, body: unknown) => {
    const res = await fetch(`${url}/${V}/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body)
    })
    return { status: res.status, body: await res.json() as any }
  }
  return { sim, b, call, postJson, token: s.token, url }
}

t.test('a field the node type does not have fails the whole call, as on Graph', async t => {
  const { sim, b, call } = await world(t)
  const ig = sim.addAsset(b, { type: 'instagram_account', name: 'ironworks' })
  const refused = await call('GET', `${b}/owned_instagram_assets`, { fields: 'id,username' })
  t.equal(refused.status, 400)
  t.match(refused.body.error, {
    code: 100, message: '(#100) Tried accessing nonexisting field (username) on node type (InstagramBusinessAsset)'
  })
  const listed = await call('GET', `${b}/owned_instagram_assets`, { fields: 'id,ig_user_id,ig_username' })
  t.same(listed.body.data.map((a: { id: string, ig_username: string }) => [a.id, a.ig_username]), [[ig.id, 'ironworks']])
  t.match(listed.body.data[0].ig_user_id, /^\d+$/)
  t.equal((await call('GET', `${b}/system_users`, { fields: 'id,role' })).body.error.code, 100, 'SystemUser has no role')
  t.equal((await call('GET', `${b}/business_users`, { fields: 'id,invited_user_type' })).body.error.code, 100,
    'invited_user_type is not a BusinessUser field in the spec')
  const ad = sim.addAsset(b, { type: 'ad_account' })
  t.match((await call('GET', `${b}/owned_ad_accounts`, { fields: 'id,name,account_id' })).body.data, [{ id: ad.id, account_id: ad.id.slice(4) }])
})

t.test('an edge or method the node type lacks gets 100/33 "Unsupported <method> request"', async t => {
  const { sim, b, call } = await world(t)
  const unsupported = { code: 100, error_subcode: 33 }
  t.match((await call('GET', `${b}/not_an_edge`)).body.error, { ...unsupported, message: /^Unsupported get request\. Object with ID '\d+'/ })
  t.match((await call('DELETE', `${b}/business_users`)).body.error, { ...unsupported, message: /^Unsupported delete request/ })
  const member = sim.addMember(b, { email: 'm@corp.example' })
  t.match((await call('GET', `${member.id}/assigned_users`)).body.error, unsupported, 'a person has no assigned_users edge')
  const pixel = sim.addAsset(b, { type: 'pixel' })
  sim.updateSettings({ pixelUnassignSupported: false })
  t.match((await call('DELETE', `${pixel.id}/assigned_users`, { user: member.id })).body.error,
    { ...unsupported, message: /^Unsupported delete request/ }, 'the spec has no DELETE on a pixel\'s assigned_users')
})

t.test('assigned_users rows: live permitted_tasks, none on Instagram rows', async t => {
  const { sim, b, call } = await world(t)
  const member = sim.addMember(b, { email: 'm@corp.example' })
  const ad = sim.addAsset(b, { type: 'ad_account' })
  const ig = sim.addAsset(b, { type: 'instagram_account' })
  const catalog = sim.addAsset(b, { type: 'product_catalog' })
  sim.assign(ad.id, member.id, ['ADVERTISE', 'ANALYZE'])
  sim.assign(ig.id, member.id, ['FULL_CONTROL', 'CREATIVE_MANAGEMENT'])
  sim.assign(catalog.id, member.id, ['MANAGE'])
  const fields = 'id,name,tasks,permitted_tasks,user_type'
  const row = async (id: string) => (await call('GET', `${id}/assigned_users`, { business: b, fields })).body.data[0]
  const adRow = await row(ad.id)
  t.same(adRow.permitted_tasks, ['MANAGE', 'ADVERTISE', 'ANALYZE', 'FB_EMPLOYEE_DSO_ADVERTISE', 'CREATIVE', 'DRAFT', 'AA_ANALYZE'])
  const igRow = await row(ig.id)
  t.same(igRow.tasks, ['FULL_CONTROL', 'CREATIVE_MANAGEMENT'])
  t.notOk('permitted_tasks' in igRow, 'an Instagram row has no permitted_tasks field')
  t.same((await row(catalog.id)).permitted_tasks, ['AA_ANALYZE', 'ADVERTISE', 'MANAGE', 'MANAGE_AR'], 'others: the spec enum')
  sim.updateSettings({ permittedTasksOnRead: { ad_account: null }, rowsWithoutPermittedTasks: [] })
  t.same((await row(ad.id)).permitted_tasks, ['AA_ANALYZE', 'ADVERTISE', 'ANALYZE', 'DRAFT', 'MANAGE'], 'friendly: the spec enum')
  t.same((await row(ig.id)).permitted_tasks, ['ADVERTISE', 'ANALYZE', 'COMMUNITY_ACTIVITY', 'CONTENT', 'MESSAGES'])
})

t.test('Instagram grants: a form body is refused, a JSON body accepted, live task names too', async t => {
  const { sim, b, call, postJson } = await world(t)
  const member = sim.addMember(b, { email: 'm@corp.example' })
  const ig = sim.addAsset(b, { type: 'instagram_account' })
  const form = await call('POST', `${ig.id}/assigned_users`, { user: member.id, business: b, tasks: '["ANALYZE"]' })
  t.equal(form.status, 400)
  t.match(form.body.error, { code: 100, message: '(#100) Failed to parse the request body parameters' })
  t.notOk(sim.store.assignmentsOf(ig.id).has(member.id), 'nothing granted')
  const json = await postJson(`${ig.id}/assigned_users`, { user: member.id, business: b, tasks: ['ANALYZE', 'FULL_CONTROL'] })
  t.same(json.body, { success: true })
  t.same(sim.store.assignmentsOf(ig.id).get(member.id), ['ANALYZE', 'FULL_CONTROL'], 'the wider live list is accepted')
  const bad = await postJson(`${ig.id}/assigned_users`, { user: member.id, business: b, tasks: ['FLY'] })
  t.equal(bad.body.error.code, 100)

  const batch = await call('POST', '', {
    batch: JSON.stringify([{ method: 'POST', relative_url: `${ig.id}/assigned_users`, body: `user=${member.id}&tasks=${encodeURIComponent('["CONTENT"]')}` }])
  })
  t.match(JSON.parse(batch.body[0].body).error, { code: 100, message: /Failed to parse the request body parameters/ }, 'batch bodies are form bodies')

  sim.updateSettings({ formBodyRefusedFor: [], extraAcceptedTasks: { instagram_account: null } })
  t.same((await call('POST', `${ig.id}/assigned_users`, { user: member.id, business: b, tasks: '["CONTENT"]' })).body, { success: true })
  t.equal((await postJson(`${ig.id}/assigned_users`, { user: member.id, business: b, tasks: ['FULL_CONTROL'] })).body.error.code, 100,
    'spec-only: the live names are refused')
})

t.test('page grants need business (code 100 without it)', async t => {
  const { sim, b, postJson } = await world(t)
  const member = sim.addMember(b, { email: 'm@corp.example' })
  const page = sim.addAsset(b, { type: 'page' })
  t.match((await postJson(`${page.id}/assigned_users`, { user: member.id, tasks: ['ANALYZE'] })).body.error, { code: 100, message: /business is required/ })
  t.same((await postJson(`${page.id}/assigned_users`, { user: member.id, business: b, tasks: ['ANALYZE'] })).body, { success: true })
})

t.test('the call log records parameters and body encoding, never credentials', async t => {
  const { sim, b, call, postJson } = await world(t)
  const member = sim.addMember(b, { email: 'm@corp.example' })
  const ad = sim.addAsset(b, { type: 'ad_account' })
  await call('GET', `${b}/business_users`, { fields: 'id,name', access_token: 'leak?' })
  await postJson(`${ad.id}/assigned_users`, { user: member.id, business: b, tasks: ['ANALYZE'] })
  const [list, grant] = sim.calls.list()
  t.match(list, { route: 'business_users.list', params: { fields: 'id,name' }, bodyEncoding: 'none' })
  t.notOk('access_token' in (list?.params ?? {}), 'no token in the log')
  t.match(grant, { route: 'assigned_users.assign', params: { user: member.id, tasks: ['ANALYZE'] }, bodyEncoding: 'json' })
})

function sourceFiles (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : []
  })
}

t.test('the simulator imports nothing from outside src/simulator (it models Meta, not our client)', async t => {
  const offenders = sourceFiles('src/simulator').flatMap(file =>
    [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)]
      .map(m => m[1] as string)
      .filter(spec => {
        const depth = file.split('/').length - 2 // directories below src/
        return spec.split('/').filter(p => p === '..').length >= depth
      })
      .map(spec => `${file}: ${spec}`))
  t.same(offenders, [])
})
