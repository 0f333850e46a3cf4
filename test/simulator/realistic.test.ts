import t from 'tap'
import { graph, startSimulator } from '../meta/helpers/harness.js'

// The simulator's defaults follow what real Graph answers show: tasks read back unpacked,
// undocumented invitation status spellings, no pixel un-assignment, and (by setting) an
// invitation accepted just before its cancellation arrives.

const V = 'v26.0'

async function world (t: Parameters<typeof startSimulator>[0], options: Parameters<typeof startSimulator>[1] = {}) {
  const { sim, url } = await startSimulator(t, options)
  const s = sim.seedBusiness({})
  const call = (method: string, path: string, params: Record<string, string> = {}) => graph(url, s.token, method, `${V}/${path}`, params)
  return { sim, s, b: s.business.id, call }
}

t.test('assigned_users reads back more tasks than were posted; re-posting the same grant succeeds', async (t) => {
  const { sim, b, call } = await world(t)
  const member = sim.addMember(b, { email: 'm@corp.example' })
  const ad = sim.addAsset(b, { type: 'ad_account' })
  const ig = sim.addAsset(b, { type: 'instagram_account' })
  const read = async (id: string) => (await call('GET', `${id}/assigned_users`, { business: b, fields: 'id,tasks' })).body.data[0].tasks
  t.same((await call('POST', `${ad.id}/assigned_users`, { user: member.id, business: b, tasks: '["ADVERTISE","ANALYZE"]' })).body, { success: true })
  t.same(await read(ad.id), ['DRAFT', 'ADVERTISE', 'ANALYZE'], 'ADVERTISE, ANALYZE reads back with DRAFT')
  t.same((await call('POST', `${ad.id}/assigned_users`, { user: member.id, business: b, tasks: '["ADVERTISE","ANALYZE"]' })).body, { success: true }, 'the same grant again: success')
  t.same(sim.store.assignmentsOf(ad.id).get(member.id), ['ADVERTISE', 'ANALYZE'], 'the store keeps what was posted')
  // Instagram takes grants as JSON only (test/simulator/spec-shape.test.ts); this helper posts forms.
  sim.updateSettings({ formBodyRefusedFor: [] })
  t.same((await call('POST', `${ig.id}/assigned_users`, { user: member.id, business: b, tasks: '["ADVERTISE"]' })).body, { success: true })
  t.same([...await read(ig.id)].sort(), ['ADVERTISE', 'ANALYZE', 'COMMUNITY_ACTIVITY', 'CONTENT', 'MESSAGES'], 'Instagram ADVERTISE unpacks to five tasks')
  sim.updateSettings({ taskExpansion: { ad_account: { ADVERTISE: [] } } })
  t.same(await read(ad.id), ['ADVERTISE', 'ANALYZE'], 'without an expansion it reads back what was posted')
})

t.test('open invitations read with undocumented status spellings', async (t) => {
  const { call, b } = await world(t)
  const ids: string[] = []
  for (const email of ['a@corp.example', 'b@corp.example', 'c@corp.example']) ids.push((await call('POST', `${b}/business_users`, { email, role: 'EMPLOYEE' })).body.id)
  const statuses = (await call('GET', `${b}/pending_users`, { fields: 'id,status' })).body.data.map((r: { status: string }) => r.status)
  t.same([...statuses].sort(), ['PENDING', 'PENDING_INVITE', 'sent'], 'three invitations, three spellings')
  t.equal((await call('GET', ids[0]!, { fields: 'status' })).body.status, statuses[0], 'one invitation always reads the same')
})

t.test('pixels cannot be un-assigned: DELETE answers 100/33 and the assignment stays', async (t) => {
  const { sim, b, call } = await world(t)
  const member = sim.addMember(b, { email: 'm@corp.example' })
  const pixel = sim.addAsset(b, { type: 'pixel' })
  sim.assign(pixel.id, member.id, ['ANALYZE'])
  const res = await call('DELETE', `${pixel.id}/assigned_users`, { user: member.id, business: b })
  t.match(res.body.error, { code: 100, error_subcode: 33 })
  t.ok(sim.store.assignmentsOf(pixel.id).has(member.id), 'still assigned')
  sim.updateSettings({ pixelUnassignSupported: true })
  t.same((await call('DELETE', `${pixel.id}/assigned_users`, { user: member.id, business: b })).body, { success: true }, 'by setting the friendly answer')
})

t.test('acceptance racing a cancellation: the DELETE meets a member and answers 100/33', async (t) => {
  const { sim, b, call } = await world(t, { settings: { acceptBeforeCancel: ['Racer@corp.example'] } })
  const { id } = (await call('POST', `${b}/business_users`, { email: 'racer@corp.example', role: 'EMPLOYEE' })).body
  const res = await call('DELETE', id)
  t.match(res.body.error, { code: 100, error_subcode: 33 })
  t.ok(sim.store.membersOf(b).some((m) => m.email === 'racer@corp.example'), 'the invitee is a member now')
  t.same((await call('GET', `${b}/pending_users`, { email: 'racer@corp.example' })).body.data, [], 'and no longer pending')
})
