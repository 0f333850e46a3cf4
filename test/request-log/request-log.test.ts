import t from 'tap'
import { OKTA_AGENT, requestLogApp, userBody } from './helpers.js'

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'

t.test('every SCIM request is logged with its action, target, token name and masked bodies', async (t) => {
  const h = await requestLogApp(t, { maskAttributes: ['employeeNumber'] })
  const a = await h.addTenant('acme', 'okta-prod')
  const created = await h.scim(a.headers, 'POST', '/Users', userBody('ada@example.com', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
    password: 'Hunter2-secret-pw',
    [ENTERPRISE]: { employeeNumber: 'EMP-778899' }
  }))
  t.equal(created.statusCode, 201, created.body)
  const userId = created.json().id as string
  const patched = await h.scim(a.headers, 'PATCH', `/Users/${userId}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'replace', path: 'password', value: 'Another-pw-4455' },
      { op: 'Replace', path: `${ENTERPRISE}:employeeNumber`, value: 'EMP-112233' }]
  })
  t.equal(patched.statusCode, 200, patched.body)
  const group = await h.scim(a.headers, 'POST',
    '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Ads' })
  const groupId = group.json().id as string
  const others = await Promise.all(['bob', 'cy'].map(async (n) => (await h.scim(a.headers, 'POST',
    '/Users', userBody(`${n}@example.com`))).json().id as string))
  const added = await h.scim(a.headers, 'PATCH', `/Groups/${groupId}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    Operations: [{ op: 'add', path: 'members', value: [userId, ...others].map((value) => ({ value })) }]
  })
  t.equal(added.statusCode, 204, added.body)
  const deactivated = await h.scim(a.headers, 'PATCH', `/Users/${userId}`, {
    schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: 'False' } }]
  })
  t.equal(deactivated.statusCode, 200)
  const filtered = await h.scim(a.headers, 'GET',
    `/Users?filter=${encodeURIComponent('userName eq "ada@example.com"')}`)
  t.equal(filtered.statusCode, 200)
  const bad = await h.scim(a.headers, 'GET', `/Users?filter=${encodeURIComponent('userName zz "x"')}`)
  t.equal(bad.statusCode, 400)
  await h.log.flush()

  const page = await h.admin.get(`/tenants/${a.tenantId}/scim-requests?limit=100`)
  t.equal(page.statusCode, 200, page.body)
  const items = page.json().items as Array<Record<string, any>>
  t.equal(items.length, 9, 'one row per request')
  const ids = items.map((i) => Number(i.id))
  t.same(ids, [...ids].sort((x, y) => y - x), 'newest first')

  const stored = JSON.stringify(items)
  for (const secret of [a.token, 'Hunter2-secret-pw', 'Another-pw-4455', 'EMP-778899', 'EMP-112233']) {
    t.notOk(stored.includes(secret), `the log never contains ${secret.slice(0, 6)}…`)
  }
  const rows = await h.db.selectFrom('scim_requests').selectAll().execute()
  const raw = JSON.stringify(rows)
  for (const secret of [a.token, 'Hunter2-secret-pw', 'Another-pw-4455', 'EMP-778899', 'EMP-112233']) {
    t.notOk(raw.includes(secret), 'nor does the table')
  }

  const create = items.find((i) => i.action === 'create_user' && i.target.name === 'ada@example.com')
  t.ok(create, 'create user logged')
  t.match(create, {
    method: 'POST',
    path: '/scim/v2/Users',
    status: 201,
    idp: 'okta',
    user_agent: OKTA_AGENT,
    token: { label: 'okta-prod' },
    summary: 'create user ada@example.com',
    target: { type: 'User', id: userId }
  })
  t.equal(create?.request_body.password, '***')
  t.equal(create?.request_body[ENTERPRISE].employeeNumber, '***')
  t.equal(create?.response_body.id, userId, 'the answer is stored')
  t.ok(create?.duration_ms >= 0)
  t.match(create?.request_id, /^[0-9a-f-]{36}$/)

  const update = items.find((i) => i.action === 'update_user')
  t.same(update?.request_body.Operations.map((o: { value: string }) => o.value), ['***', '***'],
    'PATCH values of masked paths')
  t.equal(update?.target.name, 'ada@example.com', 'the target named from the directory')

  const members = items.find((i) => i.action === 'add_members')
  t.equal(members?.summary, 'add 3 members to group Ads')
  t.equal(members?.status, 204)
  t.equal(items.find((i) => i.action === 'deactivate_user')?.summary, 'deactivate user ada@example.com')
  t.equal(items.find((i) => i.action === 'filter_users' && i.status === 200)?.summary, 'filter users by userName')
  const invalid = items.find((i) => i.status === 400)
  t.equal(invalid?.scim_type, 'invalidFilter')
  t.equal(invalid?.response_body.scimType, 'invalidFilter')
})

t.test('the admin API filters by status class, action, user, group, IdP and time, with cursor paging', async (t) => {
  const h = await requestLogApp(t)
  const a = await h.addTenant('acme')
  const entra = { ...a.headers, 'user-agent': 'Azure Active Directory SCIM Client' }
  const ada = (await h.scim(a.headers, 'POST', '/Users', userBody('ada@example.com'))).json().id as string
  h.clock.advance(3_600_000)
  await h.scim(entra, 'POST', '/Users', userBody('bob@example.com'))
  await h.scim(entra, 'POST', '/Users', userBody('bob@example.com')) // 409 uniqueness
  const ads = (await h.scim(a.headers, 'POST',
    '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Ads' })).json().id as string
  await h.scim(a.headers, 'GET', `/Groups/${ads}`)
  await h.scim(a.headers, 'GET', `/Users/${ada}`)
  await h.log.flush()
  const base = `/tenants/${a.tenantId}/scim-requests`
  const list = async (q: string) => {
    const r = await h.admin.get(`${base}?${q}`)
    t.equal(r.statusCode, 200, r.body)
    return r.json() as { items: Array<Record<string, any>>, next_cursor?: string, last_id?: string }
  }
  t.same((await list('status_class=4xx')).items.map((i) => i.scim_type), ['uniqueness'])
  t.same((await list('action=create_group')).items.map((i) => i.target.name), ['Ads'])
  t.same((await list('idp=entra')).items.map((i) => i.status), [409, 201])
  t.same((await list(`user=${ada}`)).items.map((i) => i.action), ['get_user', 'create_user'])
  t.same((await list('user=ADA@example.com')).items.map((i) => i.action), ['get_user', 'create_user'],
    'by userName, any case')
  t.same((await list('group=ads')).items.map((i) => i.action), ['get_group', 'create_group'])
  const since = new Date(h.clock.now().getTime() - 60_000).toISOString()
  t.equal((await list(`since=${encodeURIComponent(since)}`)).items.length, 5, 'since leaves out the hour-old request')
  t.same((await list(`until=${encodeURIComponent(since)}`)).items.map((i) => i.target.name), ['ada@example.com'])

  const first = await list('limit=4')
  t.equal(first.items.length, 4)
  t.ok(first.next_cursor)
  const second = await list(`limit=4&cursor=${first.next_cursor}`)
  t.equal(second.items.length, 2)
  t.equal(second.next_cursor, undefined, 'the last page has no cursor')
  const all = [...first.items, ...second.items].map((i) => i.id)
  t.equal(new Set(all).size, 6, 'pages neither repeat nor skip')

  const oldest = all.at(-1) as string
  const follow = await list(`after=${oldest}&limit=2`)
  t.same(follow.items.map((i) => i.id), [all[4], all[3]], 'after: the next rows, oldest first')
  t.equal(follow.last_id, all[3])
  const caughtUp = await list(`after=${all[0]}`)
  t.same(caughtUp, { items: [], last_id: all[0] })

  const bad = await h.admin.get(`${base}?status_class=6xx`)
  t.equal(bad.statusCode, 400)
  t.equal((await h.admin.get(`${base}?cursor=1&after=2`)).statusCode, 400)
})

t.test('tenant isolation: a tenant sees only its own requests; unknown tenants are 404', async (t) => {
  const h = await requestLogApp(t)
  const a = await h.addTenant('acme')
  const b = await h.addTenant('globex')
  await h.scim(a.headers, 'POST', '/Users', userBody('ada@acme.example'))
  await h.scim(b.headers, 'POST', '/Users', userBody('bob@globex.example'))
  await h.scim(b.headers, 'GET', '/Users')
  await h.log.flush()
  const forA = (await h.admin.get(`/tenants/${a.tenantId}/scim-requests`)).json().items as Array<Record<string, any>>
  const forB = (await h.admin.get(`/tenants/${b.tenantId}/scim-requests`)).json().items as Array<Record<string, any>>
  t.same(forA.map((i) => i.target?.name), ['ada@acme.example'])
  t.same(forB.map((i) => i.action), ['list_users', 'create_user'])
  t.notOk(JSON.stringify(forB).includes('acme.example'))
  const unknown = await h.admin.get('/tenants/00000000-0000-4000-8000-000000000000/scim-requests')
  t.equal(unknown.statusCode, 404)
  const noAdmin = await h.app.inject({ method: 'GET', url: `/admin/v1/tenants/${a.tenantId}/scim-requests`, headers: { authorization: `Bearer ${a.token}` } })
  t.equal(noAdmin.statusCode, 401, 'a SCIM token is no admin token')
  const unauthenticated = await h.scim({ authorization: 'Bearer nope', 'content-type': 'application/scim+json' }, 'GET',
    '/Users')
  t.equal(unauthenticated.statusCode, 401)
  await h.log.flush()
  t.equal(Number((await h.db.selectFrom('scim_requests').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), 3,
    'a request without a valid token belongs to no tenant and is not logged')
})
