import t from 'tap'
import { provisionedAdmin } from './helpers/provisioned.js'

t.test('people and plan after a SCIM create: desired access, state none, an invite planned; then invited', async (t) => {
  const { h, admin, base } = await provisionedAdmin(t)
  const ada = await h.createUser('ada@example.com')
  const bob = await h.createUser('bob@example.com', { active: false })

  const list = await admin.get(`${base}/people`)
  t.equal(list.statusCode, 200, list.body)
  t.equal(list.json().total, 2)
  const [first, second] = list.json().items
  t.match(first, { user_id: ada, user_name: 'ada@example.com', email: 'ada@example.com', active: true, desired: { role: 'EMPLOYEE' }, observed: { state: 'none' }, last_error: null })
  t.match(second, { user_id: bob, active: false, desired: { role: null } })

  const plan = await admin.get(`${base}/plan`)
  t.equal(plan.statusCode, 200, plan.body)
  t.match(plan.json(), { identity_mode: 'facebook_profiles', dry_run: false })
  const adaPlan = plan.json().items.find((i: { user_id: string }) => i.user_id === ada)
  t.match(adaPlan.steps, [{ kind: 'invite', email: 'ada@example.com', role: 'EMPLOYEE' }])
  t.same(plan.json().items.find((i: { user_id: string }) => i.user_id === bob).steps, [], 'nothing for an inactive user')
  t.equal(h.calls().length, 0, 'the preview calls nothing')

  await h.drain()
  const invited = await admin.get(`${base}/people?state=invited`)
  t.same(invited.json().items.map((p: { user_id: string }) => p.user_id), [ada])
  t.ok(invited.json().items[0].observed.invite_id, 'the invitation id is shown')
  t.same((await admin.get(`${base}/people?state=none`)).json().items.map((p: { user_id: string }) => p.user_id), [bob])
  const one = await admin.get(`${base}/people/${ada}`)
  t.match(one.json(), { user_id: ada, observed: { state: 'invited' } })
  t.same((await admin.get(`${base}/plan`)).json().items.find((i: { user_id: string }) => i.user_id === ada).steps, [], 'nothing left to do')
})

t.test('a failed reconcile shows its last error', async (t) => {
  const { h, admin, base } = await provisionedAdmin(t)
  h.sim.faults.add({ route: 'business_users.invite', times: 1, error: { code: 100, message: 'Invalid parameter' } })
  const ada = await h.createUser('ada@example.com')
  await h.drain()
  const res = await admin.get(`${base}/people?state=failed`)
  t.equal(res.json().total, 1)
  t.match(res.json().items[0], { user_id: ada, observed: { state: 'failed' }, last_error: { code: 100 } })
})

t.test('paging: people by offset, plan by cursor', async (t) => {
  const { h, admin, base } = await provisionedAdmin(t)
  const ids = []
  for (let i = 0; i < 5; i++) ids.push(await h.createUser(`u${i}@example.com`))
  const p1 = (await admin.get(`${base}/people?limit=2`)).json()
  t.equal(p1.items.length, 2)
  t.equal(p1.next_offset, 2)
  const p3 = (await admin.get(`${base}/people?limit=2&offset=4`)).json()
  t.equal(p3.items.length, 1)
  t.notOk('next_offset' in p3)

  const seen: string[] = []
  let after: string | undefined
  for (let i = 0; i < 5; i++) {
    const page = (await admin.get(`${base}/plan?limit=2${after === undefined ? '' : `&after=${after}`}`)).json()
    seen.push(...page.items.map((x: { user_id: string }) => x.user_id))
    after = page.next_after
    if (after === undefined) break
  }
  t.same(seen.sort(), [...ids].sort(), 'every user exactly once across plan pages')
})

t.test('400, 404 and tenant isolation', async (t) => {
  const { h, admin, base, otherBase } = await provisionedAdmin(t)
  const ada = await h.createUser('ada@example.com')
  t.equal((await admin.get(`${base}/people?state=happy`)).statusCode, 400)
  t.equal((await admin.get(`${base}/people?limit=0`)).statusCode, 400)
  t.equal((await admin.get(`${base}/plan?after=nope`)).statusCode, 400)
  t.equal((await admin.get(`${base}/people/not-a-uuid`)).statusCode, 400)
  t.equal((await admin.get(`${base}/people/00000000-0000-4000-8000-000000000000`)).statusCode, 404)
  t.equal((await admin.get(`${otherBase}/people/${ada}`)).statusCode, 404, "tenant A's user through tenant B's path")
  t.same((await admin.get(`${otherBase}/people`)).json(), { items: [], total: 0 })
  t.same((await admin.get(`${otherBase}/plan`)).json().items, [])
  t.equal((await admin.get('/tenants/00000000-0000-4000-8000-000000000000/plan')).statusCode, 404)
})
