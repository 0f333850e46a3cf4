import t from 'tap'
import { listAudit } from '../../../src/provisioning/records/audit-repository.js'
import { provisioningHarness, type Harness } from '../helpers/harness.js'

// The Meta calls a batch of new people costs (bench/findings.md §5): the
// business's members and invitations are read by listing and kept across batches
// (src/provisioning/adapters/meta-people-listing.ts), so each new person costs their invitation, and whatever changed
// on Meta's side since the listing is still handled without a second invitation.

const since = (h: Harness, seq: number) => h.sim.calls.list({ since: seq })
const routes = (calls: ReturnType<typeof since>) => {
  const counts: Record<string, number> = {}
  for (const c of calls) counts[c.route] = (counts[c.route] ?? 0) + 1
  return counts
}
/** A harness whose worker has read the business's listing once (for one earlier person). */
async function afterListing (t: Parameters<typeof provisioningHarness>[0], options?: Parameters<typeof provisioningHarness>[1]): Promise<Harness> {
  const h = await provisioningHarness(t, options)
  await h.createUser('first@example.com')
  await h.drain()
  return h
}
const invitationsOf = (h: Harness, email: string) => h.sim.store.requestsOf(h.businessId).filter((r) => r.email.toLowerCase() === email.toLowerCase())

t.test('a batch of N new people costs N invitations plus the listing pages', async (t) => {
  const h = await provisioningHarness(t)
  const N = 30
  const ids: string[] = []
  for (let i = 0; i < N; i++) ids.push(await h.createUser(`new${i}@example.com`))
  const result = await h.drain()
  t.equal(result.completed, N)
  const calls = since(h, 0)
  t.equal(routes(calls)['business_users.invite'], N, 'one invitation per person')
  // One page of each listing, and one P6 lookup to learn what P2's id names.
  t.ok(calls.length <= N + 3, `${calls.length} calls for ${N} people (at most N + 3)`)
  t.same(calls.filter((c) => c.errorCode !== null), [], 'no errors')
  for (let i = 0; i < N; i++) {
    const invite = h.inviteOf(`new${i}@example.com`)
    t.match(await h.person(ids[i]!), { state: 'invited', inviteId: invite?.id, lastError: null }, `new${i} invited, its invitation's id recorded`)
  }

  // The next batches reuse the listing: nothing but invitations.
  const before = h.sim.calls.lastSeq
  for (let i = N; i < 2 * N; i++) await h.createUser(`new${i}@example.com`)
  await h.drain()
  t.same(routes(since(h, before)), { 'business_users.invite': N }, 'a later batch: invitations only')
  t.same(h.sim.store.requestsOf(h.businessId).map((r) => r.email).sort(), Array.from({ length: 2 * N }, (_, i) => `new${i}@example.com`).sort(), 'each person invited exactly once')
})

t.test('a business with many invitations already: a page per 25 of them, once, then invitations', async (t) => {
  const h = await provisioningHarness(t)
  for (let i = 0; i < 120; i++) h.sim.addInvite(h.businessId, { email: `earlier${i}@example.com` })
  const N = 20
  for (let i = 0; i < N; i++) await h.createUser(`fresh${i}@example.com`)
  await h.drain()
  const counts = routes(since(h, 0))
  t.equal(counts['business_users.invite'], N)
  t.equal(counts['pending_users.list'], 5 + 1, 'five pages of the 120 invitations, one P6 lookup by email')
  t.equal(counts['business_users.list'], 1)
})

t.test('invited by someone else after the listing was read: the invitation they have is recorded, none is added', async (t) => {
  const h = await afterListing(t)
  const theirs = h.sim.addInvite(h.businessId, { email: 'late@example.com', role: 'EMPLOYEE' })
  const late = await h.createUser('late@example.com')
  const before = h.sim.calls.lastSeq
  const result = await h.drain()
  t.equal(result.retried, 0)
  t.same(routes(since(h, before)), { 'business_users.invite': 1 }, 'Meta answered the invitation with the one that exists (idempotent)')
  t.equal(invitationsOf(h, 'late@example.com').length, 1, 'no second invitation')
  t.match(await h.person(late), { state: 'invited', inviteId: theirs.id, lastError: null })
})

t.test('invited by someone else after the listing, where Meta refuses a second invitation: adopted', async (t) => {
  const h = await afterListing(t, { sim: { settings: { duplicateInvite: 'error' } } })
  const theirs = h.sim.addInvite(h.businessId, { email: 'late@example.com', role: 'ADMIN' })
  const late = await h.createUser('late@example.com')
  const result = await h.drain()
  t.equal(result.retried, 0)
  t.equal(invitationsOf(h, 'late@example.com').length, 1, 'no second invitation')
  t.equal(h.inviteOf('late@example.com')?.role, 'EMPLOYEE', 'adopted, then set to the desired role')
  t.match(await h.person(late), { state: 'invited', inviteId: theirs.id, role: 'EMPLOYEE', lastError: null })
  const audit = await listAudit(h.db, h.tenantId, { userId: late })
  t.same(audit.map((e) => `${e.action}:${e.outcome}`).reverse(), ['adopt:adopted', 'change_invite_role:applied'], 'the refusal is recorded on the adoption, not as a failure')
  t.match(audit.find((e) => e.action === 'adopt'), { error_code: 100, message: /already pending/ })
})

t.test('added as a member by someone else after the listing: adopted, not failed', async (t) => {
  const h = await afterListing(t)
  const member = h.sim.addMember(h.businessId, { email: 'joined@example.com', role: 'EMPLOYEE' })
  const joined = await h.createUser('joined@example.com')
  const result = await h.drain()
  t.equal(result.retried, 0)
  t.equal(invitationsOf(h, 'joined@example.com').length, 0, 'never invited')
  t.match(await h.person(joined), { state: 'member', businessUserId: member.id, role: 'EMPLOYEE', lastError: null })
  const audit = await listAudit(h.db, h.tenantId, { userId: joined })
  t.same(audit.map((e) => `${e.action}:${e.outcome}`), ['adopt:adopted'])
})

t.test('what the listing shows is confirmed before it is adopted: gone since, the person is invited', async (t) => {
  const h = await provisioningHarness(t, { sim: { settings: { duplicateInvite: 'new' } } })
  const stale = h.sim.addInvite(h.businessId, { email: 'withdrawn@example.com' })
  const left = h.sim.addMember(h.businessId, { email: 'left@example.com' })
  await h.createUser('first@example.com')
  await h.drain() // the listing now shows both
  h.sim.declineInvite(stale.id)
  h.sim.store.members.delete(left.id)
  const withdrawn = await h.createUser('withdrawn@example.com')
  const leftUser = await h.createUser('left@example.com')
  const before = h.sim.calls.lastSeq
  await h.drain()
  const counts = routes(since(h, before))
  t.equal(counts['pending_users.list'], 1, 'the listed invitation checked by email')
  t.equal(since(h, before).filter((c) => c.method === 'GET' && c.path.endsWith(`/${left.id}`)).length, 1, 'the listed member checked by id (P3: gone)')
  t.equal(counts['business_users.invite'], 2)
  t.match(await h.person(withdrawn), { state: 'invited', inviteId: h.inviteOf('withdrawn@example.com')?.id })
  t.not(h.inviteOf('withdrawn@example.com')?.id, stale.id, 'a new invitation, not the declined one')
  t.match(await h.person(leftUser), { state: 'invited', businessUserId: null })
})

t.test('the listing is trusted for what the bridge did itself: removed and cancelled people are invited again', async (t) => {
  const h = await provisioningHarness(t, { sim: { settings: { duplicateInvite: 'new' } } })
  const ada = await h.createUser('ada@example.com')
  await h.drain()
  h.sim.acceptInvite(h.inviteOf('ada@example.com')!.id)
  await h.runtime.worker.pollAll(true)
  await h.drain()
  await h.setActive(ada, false)
  await h.drain()
  t.notOk(h.memberOf('ada@example.com'), 'removed')
  await h.setActive(ada, true)
  await h.drain()
  t.equal(invitationsOf(h, 'ada@example.com').filter((r) => r.status === 'pending').length, 1, 'invited again, once')
  t.match(await h.person(ada), { state: 'invited', inviteId: h.inviteOf('ada@example.com')?.id })
})

t.test('where P2 returns another id than the invitation\'s, every invitation is resolved through P6', async (t) => {
  const h = await provisioningHarness(t, { sim: { settings: { inviteReturns: 'business_user' } } })
  const ids: string[] = []
  for (let i = 0; i < 5; i++) ids.push(await h.createUser(`p${i}@example.com`))
  await h.drain()
  const counts = routes(since(h, 0))
  t.equal(counts['business_users.invite'], 5)
  t.equal(counts['pending_users.list'], 1 + 5, 'the listing, then one lookup per invitation')
  for (let i = 0; i < 5; i++) {
    t.match(await h.person(ids[i]!), { state: 'invited', inviteId: h.inviteOf(`p${i}@example.com`)?.id }, 'the invitation\'s id, not the returned one')
  }
})
