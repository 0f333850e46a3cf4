import t from 'tap'
import { setup } from '../helpers/harness.js'

t.test('listBusinessUsers follows cursors across many pages', async t => {
  const { client, sim, businessId } = await setup(t, { client: { pageSize: 7 } })
  for (let i = 0; i < 120; i++) sim.addMember(businessId, { email: `user${i}@corp.example` })
  const users = await client.listBusinessUsers()
  t.equal(users.length, 121, '120 members plus the seeded admin')
  t.equal(new Set(users.map(u => u.id)).size, 121, 'no duplicates')
  const calls = sim.calls.list({ route: 'business_users.list' })
  t.equal(calls.length, Math.ceil(121 / 7), 'one call per page')
})

t.test('empty pages with paging.next do not stop the walk', async t => {
  const { client, sim, businessId } = await setup(t, {
    client: { pageSize: 5 },
    sim: { settings: { paging: { emptyPageEvery: 2 } } }
  })
  for (let i = 0; i < 30; i++) sim.addMember(businessId, { email: `p${i}@corp.example` })
  const users = await client.listBusinessUsers()
  t.equal(users.length, 31)
  t.equal(new Set(users.map(u => u.id)).size, 31)
  t.ok(sim.calls.list({ route: 'business_users.list' }).length > Math.ceil(31 / 5), 'empty pages were fetched too')
})

t.test('a page without paging.next ends the walk even when it is full', async t => {
  const { client, sim } = await setup(t)
  sim.faults.add({
    route: 'business_users.list',
    body: { data: [{ id: '1', name: 'A' }, { id: '2', name: 'B' }], paging: { cursors: { before: 'x', after: 'y' } } }
  })
  const users = await client.listBusinessUsers()
  t.same(users.map(u => u.id), ['1', '2'])
  t.equal(sim.calls.list({ route: 'business_users.list' }).length, 1)
})

t.test('the next page is rebuilt from the after cursor, never fetched from paging.next', async t => {
  const { client, sim } = await setup(t)
  sim.faults.add({
    route: 'business_users.list',
    body: { data: [{ id: '1' }], paging: { cursors: { after: 'CURSOR1' }, next: 'http://203.0.113.9/elsewhere?after=CURSOR1' } }
  })
  sim.faults.add({ route: 'business_users.list', body: { data: [{ id: '2' }], paging: {} } })
  const users = await client.listBusinessUsers()
  t.same(users.map(u => u.id), ['1', '2'])
  const second = sim.calls.list({ route: 'business_users.list' })[1]
  t.ok(second?.path.startsWith('/v26.0/'), 'second page went to the configured base URL')
})

t.test('a repeated cursor is reported instead of looping', async t => {
  const { client, sim } = await setup(t)
  sim.faults.add({
    route: 'business_users.list',
    times: 3,
    body: { data: [], paging: { cursors: { after: 'SAME' }, next: 'http://127.0.0.1/x?after=SAME' } }
  })
  const err = await client.listBusinessUsers().catch((e: unknown) => e)
  t.match(err, { name: 'MetaApiError', source: 'response', errorClass: 'unexpected', message: /repeated/ })
})

t.test('every page request is signed and carries the token in the header', async t => {
  const { client, sim, businessId } = await setup(t, {
    business: { appSecret: 'sekret' },
    client: { appSecret: 'sekret', pageSize: 2 }
  })
  for (let i = 0; i < 5; i++) sim.addInvite(businessId, { email: `i${i}@corp.example` })
  t.equal((await client.listPendingUsers()).length, 5)
  const calls = sim.calls.list({ route: 'pending_users.list' })
  t.equal(calls.length, 3)
  t.ok(calls.every(c => c.proof === 'valid' && c.tokenVia === 'header'))
})
