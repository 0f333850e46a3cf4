import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { ADMIN_TOKEN } from '../helpers/admin.js'
import { loadConfig } from '../../src/config.js'
import { accessFor, parseRoleMapping, roleOn, type ConsoleAccess } from '../../src/console/auth/roles.js'
import { csrfTokenFor } from '../../src/console/security/csrf.js'
import { SessionStore } from '../../src/console/session/session-store.js'

// Console roles and tenant scope over HTTP (fastify inject): the mapping syntax, what each role
// may change, and a tenant-scoped session seeing nothing of other tenants. The OIDC sign-in that
// grants these is in oidc-sign-in.test.ts; here sessions are made by the real session store.

const ORIGIN = 'http://console.test'
const A = '4f1c2d3e-0000-4000-8000-00000000000a'
const B = '4f1c2d3e-0000-4000-8000-00000000000b'

t.test('CONSOLE_OIDC_ROLES: entries, scopes, and errors named at start', async (t) => {
  t.same(parseRoleMapping(`ops=operator; acme-admins=admin:${A}, ${B.toUpperCase()} ;audit=viewer;`), [
    { value: 'ops', role: 'operator', tenants: null },
    { value: 'acme-admins', role: 'admin', tenants: [A, B] },
    { value: 'audit', role: 'viewer', tenants: null }
  ])
  t.same(parseRoleMapping('CN=Bridge Ops,OU=Groups,DC=example,DC=com=operator'), [
    { value: 'CN=Bridge Ops,OU=Groups,DC=example,DC=com', role: 'operator', tenants: null }
  ], 'a distinguished name with = and , is one claim value')
  t.throws(() => parseRoleMapping('ops=owner'), /"ops=owner" is not <claim value>=<viewer\|operator\|admin>/)
  t.throws(() => parseRoleMapping('ops'), /not <claim value>=/)
  t.throws(() => parseRoleMapping('ops=admin:acme'), /tenant ids \(UUIDs\)/)
  t.throws(() => parseRoleMapping('ops=admin:'), /tenant ids/)

  const oidc = { CONSOLE_OIDC_ISSUER: 'https://idp.example', CONSOLE_OIDC_CLIENT_ID: 'c', CONSOLE_OIDC_CLIENT_SECRET: 's' }
  t.throws(() => loadConfig(oidc), /CONSOLE_OIDC_ALLOWED or CONSOLE_OIDC_ROLES is required/)
  t.throws(() => loadConfig({ ...oidc, CONSOLE_OIDC_ROLES: 'x=boss' }), /CONSOLE_OIDC_ROLES: "x=boss"/)
  const roles = loadConfig({ ...oidc, CONSOLE_OIDC_ROLES: `v=viewer;a=admin:${A}` })
  t.same(roles.console.oidc?.allowed, [], 'the roles mapping alone is enough')
  t.same(roles.console.oidc?.grants.map((g) => g.role), ['viewer', 'admin'])
})

t.test('a person\'s access: the highest role wins, scoped roles only on their tenants', async (t) => {
  const settings = { allowed: ['legacy-admins'], grants: parseRoleMapping(`v=viewer;o=operator;a=admin:${A}`) }
  t.same(accessFor(['legacy-admins'], settings), { role: 'admin', tenants: {} }, 'the allowed values still mean full admin')
  t.equal(accessFor(['staff'], settings), undefined, 'no matching value: not let in')
  const mixed = accessFor(['v', 'a'], settings) as ConsoleAccess
  t.equal(roleOn(mixed, A), 'admin', 'admin where scoped')
  t.equal(roleOn(mixed, B), 'viewer', 'viewer elsewhere')
  const scoped = accessFor(['a'], settings) as ConsoleAccess
  t.equal(roleOn(scoped, A.toUpperCase()), 'admin')
  t.equal(roleOn(scoped, B), undefined, 'another tenant is out of scope')
  t.equal(roleOn(accessFor(['o', 'v'], settings) as ConsoleAccess, B), 'operator')
})

async function setup (t: { teardown: (fn: () => unknown) => void }) {
  const clock = { now: new Date('2026-12-01T09:00:00Z') }
  const built = await buildTestApp(t, { env: { ADMIN_TOKEN }, deps: { consoleNow: () => clock.now } })
  const store = new SessionStore(built.db, { idleMs: 30 * 60_000, absoluteMs: 8 * 3_600_000 }, () => clock.now)
  const session = async (email: string, access: ConsoleAccess) => {
    const { secret } = await store.create({ actor: `console:${email}`, method: 'oidc', subject: email, issuer: 'https://idp.example', access })
    const cookie = `__Host-smb_console=${secret}`
    const get = async (url: string) => await built.app.inject({ url, headers: { cookie, host: 'console.test' } })
    const post = async (url: string, body: Record<string, string> = {}) => await built.app.inject({
      method: 'POST',
      url,
      headers: { cookie, host: 'console.test', origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrfTokenFor(secret), ...body }).toString()
    })
    return { get, post }
  }
  return { ...built, session }
}

/** Every state change of a tenant, with a body each would accept. */
const actions = (tenantId: string): Array<[string, Record<string, string>]> => [
  [`/ui/tenants/${tenantId}/scim-tokens`, { label: 'x' }],
  [`/ui/tenants/${tenantId}/scim-tokens/00000000-0000-4000-8000-000000000001/revoke`, {}],
  [`/ui/tenants/${tenantId}/meta-connection`, { business_id: '123' }],
  [`/ui/tenants/${tenantId}/meta-connection/test`, {}],
  [`/ui/tenants/${tenantId}/sync`, {}],
  [`/ui/tenants/${tenantId}/access-rules`, { rules: '[]' }],
  [`/ui/tenants/${tenantId}/held-removals/decide`, { decision: 'approve', all: '1' }],
  [`/ui/tenants/${tenantId}/queue/retry`, {}],
  [`/ui/tenants/${tenantId}/people/00000000-0000-4000-8000-000000000002/reconcile`, { mode: 'dry_run' }]
]

t.test('a viewer reads every page and changes nothing', async (t) => {
  const { tenantId, session, db } = await setup(t)
  const viewer = await session('vera@example.com', { role: 'viewer', tenants: {} })
  const page = await viewer.get(`/ui/tenants/${tenantId}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, /Signed in as <strong>vera@example.com<\/strong> <span class="muted">\(viewer\)/)
  for (const button of ['Create token', 'Revoke', 'Test connection', 'Save connection', 'Sync now']) {
    t.notMatch(page.body, new RegExp(`>${button}`), `no ${button} button`)
  }
  for (const path of ['access-rules', 'held-removals', 'queue', 'people', 'drift', 'sync-runs', 'audit', 'scim-requests']) {
    const res = await viewer.get(`/ui/tenants/${tenantId}/${path}`)
    t.ok(res.statusCode === 200 || res.statusCode === 503, `${path} readable (${res.statusCode})`)
    t.notMatch(res.body, /Save rules|Retry now|Approve all/, `${path}: no action`)
  }
  const confirm = await viewer.get(`/ui/tenants/${tenantId}/held-removals/confirm?decision=approve&all=1`)
  t.equal(confirm.statusCode, 403, 'the held-removal confirmation is for admins')
  for (const [url, body] of actions(tenantId)) {
    const res = await viewer.post(url, body)
    t.equal(res.statusCode, 403, `POST ${url.slice(url.indexOf(tenantId) + tenantId.length)}: 403`)
    t.match(res.body, /Refused: this needs the (operator|admin) role, and you are a viewer here/)
  }
  t.equal((await db.selectFrom('scim_tokens').selectAll().where('tenant_id', '=', tenantId).execute()).length, 1,
    'no token was created')
  const refused = await db.selectFrom('console_events').selectAll().where('action', '=', 'forbidden').execute()
  t.equal(refused.length, actions(tenantId).length + 1, 'each refusal is recorded')
  t.match(refused[1]?.detail, { role: 'viewer', needed: 'admin', route: '/ui/tenants/:tenantId/scim-tokens' })
})

t.test('an operator starts work but changes no configuration; audit names the role', async (t) => {
  const { tenantId, session, db } = await setup(t)
  const operator = await session('otto@example.com', { role: 'operator', tenants: {} })
  const page = await operator.get(`/ui/tenants/${tenantId}`)
  t.match(page.body, />Test connection</, 'Test connection shown')
  t.notMatch(page.body, />Create token|>Save connection/, 'no token or connection form')
  t.equal((await operator.post(`/ui/tenants/${tenantId}/scim-tokens`, { label: 'x' })).statusCode, 403, 'no token')
  t.equal((await operator.post(`/ui/tenants/${tenantId}/access-rules`, { rules: '[]' })).statusCode, 403, 'no rules')
  const test = await operator.post(`/ui/tenants/${tenantId}/meta-connection/test`)
  t.equal(test.statusCode, 503, 'allowed through (this app has no provisioning runtime)')
  t.equal((await operator.post(`/ui/tenants/${tenantId}/sync`)).statusCode, 503, 'Sync now allowed through (no sync here)')

  const admin = await session('ada@example.com', { role: 'admin', tenants: {} })
  t.equal((await admin.post(`/ui/tenants/${tenantId}/scim-tokens`, { label: 'by-ada' })).statusCode, 200)
  const audit = await db.selectFrom('audit_events').selectAll().where('action', '=', 'scim_token_created').execute()
  t.match(audit[0], { actor: 'console:ada@example.com', detail: { role: 'admin', label: 'by-ada' } })
})

t.test('a tenant-scoped admin sees its tenant only; others answer 404 everywhere', async (t) => {
  const { tenantId, session, addTenant, db } = await setup(t)
  const other = await addTenant('Other Corp')
  const scoped = await session('sam@example.com', { role: null, tenants: { [tenantId]: 'admin' } })
  const overview = await scoped.get('/ui')
  t.equal(overview.statusCode, 200)
  t.match(overview.body, new RegExp(`/ui/tenants/${tenantId}`))
  t.notMatch(overview.body, /Other Corp/, 'the other tenant is not listed')
  t.notMatch(overview.body, new RegExp(other.tenantId))
  t.match(overview.body, /Rows 1–1 of 1/, 'the count is of its own tenants')

  const unknown = await scoped.get('/ui/tenants/00000000-0000-4000-8000-0000000000ff')
  for (const path of ['', '/people', '/access-rules', '/held-removals', '/audit', '/charts',
    '/people/00000000-0000-4000-8000-000000000002', '/held-removals/confirm?decision=approve&all=1']) {
    const res = await scoped.get(`/ui/tenants/${other.tenantId}${path}`)
    t.equal(res.statusCode, 404, `GET ${path || '/'}: 404`)
    t.equal(res.body.replace(other.tenantId, ''), unknown.body.replace('00000000-0000-4000-8000-0000000000ff', ''),
      'the same answer as a tenant that does not exist')
    t.notMatch(res.body, /Other Corp/)
  }
  for (const [url, body] of actions(other.tenantId)) {
    const res = await scoped.post(url, body)
    t.equal(res.statusCode, 404, `POST with a valid CSRF token ${url.slice(url.indexOf(other.tenantId) + other.tenantId.length)}: 404`)
  }
  t.equal((await db.selectFrom('scim_tokens').selectAll().where('tenant_id', '=', other.tenantId).execute()).length, 1,
    'nothing was created in the other tenant')
  t.equal((await scoped.post(`/ui/tenants/${tenantId}/scim-tokens`, { label: 'own' })).statusCode, 200, 'its own tenant works')
  const page = await scoped.get(`/ui/tenants/${tenantId}`)
  t.match(page.body, /\(admin of 1 tenant\)/)
  const audit = await scoped.get(`/ui/tenants/${tenantId}/audit`)
  t.equal(audit.statusCode, 200)
  t.notMatch(audit.body, /Console sign-ins/, 'console-wide events (people and tenants of every scope) are not shown')
  const everyTenant = await session('ada@example.com', { role: 'viewer', tenants: {} })
  t.match((await everyTenant.get(`/ui/tenants/${tenantId}/audit`)).body, /Console sign-ins/, 'a session of every tenant sees them')
})
