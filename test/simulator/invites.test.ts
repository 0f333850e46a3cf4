import t, { type Test } from 'tap'
import type { DeepPartial, SimulatorSettings } from '../../src/simulator/settings.js'
import { graph, startSimulator } from '../meta/helpers/harness.js'
import { ManualClock } from '../meta/helpers/manual-clock.js'

const V = 'v26.0'
const DAY = 24 * 3600_000

async function world (t: Test, settings: DeepPartial<SimulatorSettings> = {}) {
  const clock = new ManualClock()
  const { sim, url } = await startSimulator(t, { now: clock.now, settings })
  const s = sim.seedBusiness()
  const b = s.business.id
  const call = (method: string, path: string, params: Record<string, string> = {}) => graph(url, s.token, method, `${V}/${path}`, params)
  const invite = async (email: string, extra: Record<string, string> = {}) => (await call('POST', `${b}/business_users`, { email, role: 'EMPLOYEE', ...extra })).body
  const pending = async (params: Record<string, string> = {}) =>
    (await call('GET', `${b}/pending_users`, { fields: 'id,email,status,invited_user_type,expiration_time', ...params })).body.data
  return { clock, sim, s, b, call, invite, pending }
}

t.test('an invite expires after its lifetime and leaves pending_users', async t => {
  const w = await world(t, { inviteTtlMs: 7 * DAY })
  const { id } = await w.invite('late@corp.example')
  const [listed] = await w.pending()
  t.match(listed, { id, status: /^(PENDING|PENDING_INVITE|sent)$/, expiration_time: new Date(w.clock.now() + 7 * DAY).toISOString().replace(/\.\d{3}Z$/, '+0000') })
  w.clock.advance(7 * DAY - 1)
  t.equal((await w.pending()).length, 1, 'still pending one millisecond before expiry')
  w.clock.advance(1)
  t.same(await w.pending(), [], 'gone once expired')
  t.equal((await w.call('GET', id, { fields: 'status' })).body.status, 'EXPIRED', 'the node reads as expired')
  t.equal((await w.call('POST', id, { role: 'ADMIN' })).body.error.code, 100, 'an expired invite cannot be changed')
  w.sim.updateSettings({ showClosedInvites: true, inviteStatus: { expired: 'expired' } })
  t.match(await w.pending(), [{ id, status: 'expired' }], 'visible with its status by setting, with the configured spelling')
})

t.test('control: accept turns an invite into a member; the MWA type marks a work account', async t => {
  const w = await world(t)
  const { id } = await w.invite('new@corp.example', { invited_user_type: '["MWA"]' })
  const member = w.sim.acceptInvite(id, { firstName: 'New', lastName: 'Person' })
  t.same(await w.pending(), [])
  w.sim.updateSettings({ exposeInvitedUserTypeOnMembers: true }) // not in Meta's spec: off by default
  const users = (await w.call('GET', `${w.b}/business_users`, { fields: 'id,email,name,role,invited_user_type' })).body.data
  t.match(users.find((u: { id: string }) => u.id === member.id), { email: 'new@corp.example', name: 'New Person', role: 'EMPLOYEE', invited_user_type: ['MWA'] })
  t.equal(member.isWorkAccount, true)
  t.throws(() => w.sim.acceptInvite(id), /not pending/, 'cannot accept twice')
})

t.test('control: decline and expire close an invite', async t => {
  const w = await world(t)
  const a = (await w.invite('a@corp.example')).id
  const c = (await w.invite('c@corp.example')).id
  w.sim.declineInvite(a)
  w.sim.expireInvite(c)
  t.same(await w.pending(), [])
  w.sim.updateSettings({ showClosedInvites: true })
  t.same((await w.pending()).map((r: { status: string }) => r.status).sort(), ['DECLINED', 'EXPIRED'])
})

t.test('duplicate invites: idempotent by default, or an error, or a second invite', async t => {
  const w = await world(t)
  const first = (await w.invite('dup@corp.example')).id
  t.equal((await w.invite('DUP@corp.example')).id, first, 'same id back, case-insensitive')
  w.sim.updateSettings({ duplicateInvite: 'error' })
  t.equal((await w.call('POST', `${w.b}/business_users`, { email: 'dup@corp.example' })).body.error.code, 100)
  w.sim.updateSettings({ duplicateInvite: 'new' })
  t.not((await w.invite('dup@corp.example')).id, first)
  t.equal((await w.pending({ email: 'dup@corp.example' })).length, 2)
})

t.test('inviting a member is refused with the configured error', async t => {
  const w = await world(t)
  const res = await w.call('POST', `${w.b}/business_users`, { email: w.s.admins[0]!.email })
  t.match(res.body.error, { code: 100, message: /already a member/ })
  w.sim.updateSettings({ alreadyMemberError: { code: 3900, message: 'custom', status: 400 } })
  t.match((await w.call('POST', `${w.b}/business_users`, { email: w.s.admins[0]!.email })).body.error, { code: 3900, message: 'custom' })
})

t.test('what P2 returns is a setting: the role request id or the future member id', async t => {
  const w = await world(t, { inviteReturns: 'business_user' })
  const { id } = await w.invite('future@corp.example')
  const [request] = await w.pending()
  t.not(id, request.id)
  const member = w.sim.acceptInvite(request.id)
  t.equal(member.id, id)
})

t.test('daily invite cap (368 by default) when configured', async t => {
  const w = await world(t, { inviteLimitPerDay: 2 })
  await w.invite('1@corp.example')
  await w.invite('2@corp.example')
  t.match((await w.call('POST', `${w.b}/business_users`, { email: '3@corp.example' })).body.error, { code: 368 })
  w.clock.advance(DAY)
  t.type((await w.invite('3@corp.example')).id, 'string', 'the cap is per rolling day')
})

t.test('acceptance may show up late in business_users (setting)', async t => {
  const w = await world(t, { acceptanceVisibleAfterMs: 30_000 })
  const { id } = await w.invite('slow@corp.example')
  const member = w.sim.acceptInvite(id)
  const ids = async () => (await w.call('GET', `${w.b}/business_users`)).body.data.map((u: { id: string }) => u.id)
  t.notOk((await ids()).includes(member.id))
  t.same(await w.pending(), [], 'already gone from pending_users')
  w.clock.advance(30_000)
  t.ok((await ids()).includes(member.id))
})

t.test('control: a member becomes a Work Account', async t => {
  const w = await world(t)
  const m = w.sim.addMember(w.b, { email: 'wa@corp.example' })
  w.sim.makeWorkAccount(m.id)
  const refused = (await w.call('GET', m.id, { fields: 'invited_user_type' })).body.error
  t.match(refused, { code: 100, message: '(#100) Tried accessing nonexisting field (invited_user_type) on node type (BusinessUser)' },
    'not a BusinessUser field in Meta\'s spec, so unreadable by default')
  w.sim.updateSettings({ exposeInvitedUserTypeOnMembers: true })
  t.same((await w.call('GET', m.id, { fields: 'invited_user_type' })).body.invited_user_type, ['MWA'], 'readable by setting')
})

t.test('P8 changes a pending invite; P9 cancels it', async t => {
  const w = await world(t)
  const { id } = await w.invite('p@corp.example')
  t.same((await w.call('POST', id, { role: 'ADMIN', tasks: '["ADMIN"]' })).body, { id })
  t.match(w.sim.store.roleRequests.get(id), { role: 'ADMIN', tasks: ['ADMIN'], status: 'pending' })
  t.same((await w.call('DELETE', id)).body, { success: true })
  t.match((await w.call('DELETE', id)).body.error, { code: 100, error_subcode: 33 })
})
