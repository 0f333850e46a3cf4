import t, { type Test } from 'tap'
import { graph, startSimulator } from '../meta/helpers/harness.js'
import { ManualClock } from '../meta/helpers/manual-clock.js'

// The store's indexes (invitations by business and by email, the cached pending_users listing)
// answer exactly what a scan of every invitation answered, while invitations keep coming in
// and change state between pages (bench/findings.md §5).

const V = 'v26.0'
const DAY = 24 * 3600_000

async function world (t: Test) {
  const clock = new ManualClock()
  const { sim, url } = await startSimulator(t, { now: clock.now })
  const s = sim.seedBusiness()
  const other = sim.seedBusiness({ name: 'Other' })
  const b = s.business.id
  const call = async (method: string, path: string, params: Record<string, string> = {}) => (await graph(url, s.token, method, `${V}/${path}`, params)).body
  const invite = async (email: string) => (await call('POST', `${b}/business_users`, { email, role: 'EMPLOYEE' })).id as string
  const page = async (params: Record<string, string> = {}) => await call('GET', `${b}/pending_users`, { fields: 'id,email', limit: '3', ...params })
  return { clock, sim, s, other, b, call, invite, page }
}

t.test('paging pending_users while invitations pour in: each seen once, the new ones at the end', async t => {
  const w = await world(t)
  for (let i = 0; i < 5; i++) await w.invite(`a${i}@corp.example`)
  w.sim.addInvite(w.other.business.id, { email: 'elsewhere@corp.example' })
  const seen: string[] = []
  let after: string | undefined
  let added = 0
  for (;;) {
    const p = await w.page(after === undefined ? {} : { after })
    seen.push(...p.data.map((r: { email: string }) => r.email))
    if (p.paging.next === undefined) break
    for (let i = 0; i < 2 && added < 4; i++) await w.invite(`b${added++}@corp.example`)
    after = p.paging.cursors.after
  }
  t.same(seen, [...Array.from({ length: 5 }, (_, i) => `a${i}@corp.example`), ...Array.from({ length: 4 }, (_, i) => `b${i}@corp.example`)])
  t.same((await w.call('GET', `${w.b}/pending_users`, { summary: 'total_count', limit: '1' })).summary, { total_count: 9 })
})

t.test('accepted, cancelled, declined and expired invitations leave the listing between pages', async t => {
  const w = await world(t)
  const ids: string[] = []
  for (let i = 0; i < 8; i++) ids.push(await w.invite(`p${i}@corp.example`))
  const first = await w.page()
  t.same(first.data.map((r: { id: string }) => r.id), ids.slice(0, 3))
  w.sim.acceptInvite(ids[3]!)
  t.same(await w.call('DELETE', ids[4]!), { success: true })
  w.sim.declineInvite(ids[5]!)
  const second = await w.page({ after: first.paging.cursors.after })
  t.same(second.data.map((r: { id: string }) => r.id), ids.slice(6, 8))
  t.notOk('next' in second.paging)

  const again = await w.page({ limit: '2' })
  w.sim.acceptInvite(ids[1]!)
  t.match((await w.page({ limit: '2', after: again.paging.cursors.after })).error, { code: 100, message: /no longer exists/ }, 'a cursor on an invitation that left the listing')

  w.clock.advance(31 * DAY)
  t.same((await w.page()).data, [], 'expired while cached')
  w.sim.updateSettings({ showClosedInvites: true })
  t.same((await w.call('GET', `${w.b}/pending_users`, { fields: 'email,status', limit: '100' })).data.map((r: { status: string }) => r.status).sort(),
    ['DECLINED', 'EXPIRED', 'EXPIRED', 'EXPIRED', 'EXPIRED'], 'closed ones by setting (accepted and cancelled never)')
})

t.test('by email: any case, only that business, duplicates in order; invite finds the pending one', async t => {
  const w = await world(t)
  const first = await w.invite('Dup@Corp.example')
  w.sim.addInvite(w.other.business.id, { email: 'dup@corp.example' })
  t.same((await w.call('GET', `${w.b}/pending_users`, { email: 'DUP@corp.EXAMPLE', fields: 'id' })).data, [{ id: first }])
  t.equal(await w.invite('dup@CORP.example'), first, 'idempotent across case')
  w.sim.updateSettings({ duplicateInvite: 'new' })
  const second = await w.invite('dup@corp.example')
  t.same((await w.call('GET', `${w.b}/pending_users`, { email: 'dup@corp.example', fields: 'id' })).data, [{ id: first }, { id: second }])
  w.sim.declineInvite(first)
  w.sim.updateSettings({ duplicateInvite: 'idempotent' })
  t.equal(await w.invite('dup@corp.example'), second, 'the one still pending')
  w.sim.store.roleRequests.delete(second)
  t.same((await w.call('GET', `${w.b}/pending_users`, { email: 'dup@corp.example' })).data, [], 'a direct deletion from the store is seen')
  t.same(w.sim.store.requestsOf(w.b).map((r) => r.id), [first], 'requestsOf: what is left, whatever its status')
})

t.test('members by business: removal, reset and the daily invite cap', async t => {
  const w = await world(t)
  const m = w.sim.addMember(w.b, { email: 'm@corp.example' })
  t.ok(w.sim.store.membersOf(w.b).some((x) => x.id === m.id))
  t.notOk(w.sim.store.membersOf(w.other.business.id).some((x) => x.id === m.id))
  t.match((await w.call('POST', `${w.b}/business_users`, { email: 'M@corp.example' })).error, { code: 100, message: /already a member/ })
  w.sim.store.members.delete(m.id)
  t.type(await w.invite('m@corp.example'), 'string', 'removed: can be invited')
  w.sim.updateSettings({ inviteLimitPerDay: 2 })
  await w.invite('x@corp.example')
  t.match((await w.call('POST', `${w.b}/business_users`, { email: 'y@corp.example' })).error, { code: 368 }, 'two sent within the day')
  w.clock.advance(DAY)
  t.type(await w.invite('y@corp.example'), 'string', 'a rolling day later')
  w.sim.reset()
  t.same(w.sim.store.requestsOf(w.b), [])
  t.same(w.sim.store.membersOf(w.b), [])
})
