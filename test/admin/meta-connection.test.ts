import t from 'tap'
import { adminClient, adminEnv } from '../helpers/admin.js'
import { buildTestApp, testConfig } from '../helpers/app.js'
import { provisionedAdmin } from './helpers/provisioned.js'
import { applyEnvMetaSettings, metaSettingsFromEnv } from '../../src/tenants/meta-settings-env.js'

const SECRET = 'app-secret-do-not-echo-4711'

t.test('GET shows the settings and whether each secret is set, never the secrets', async (t) => {
  const { h, admin, base } = await provisionedAdmin(t)
  const res = await admin.get(`${base}/meta-connection`)
  t.equal(res.statusCode, 200)
  t.match(res.json(), {
    business_id: h.businessId,
    access_token_set: true,
    app_secret_set: false,
    identity_mode: 'facebook_profiles',
    invite_type: 'FB',
    default_role: 'EMPLOYEE',
    dry_run: false,
    effective_dry_run: false
  })
  t.notOk(res.body.includes(h.seeded.token), 'the access token is not in the answer')
})

t.test('PUT sets secrets write-only, keeps fields left out, reconciles everyone', async (t) => {
  const { h, admin, base } = await provisionedAdmin(t)
  const ada = await h.createUser('ada@example.com')
  await h.drain()
  const put = await admin.put(`${base}/meta-connection`, { app_secret: SECRET, default_role: 'ADMIN', dry_run: true })
  t.equal(put.statusCode, 200, put.body)
  t.match(put.json(), { business_id: h.businessId, access_token_set: true, app_secret_set: true, default_role: 'ADMIN', dry_run: true, effective_dry_run: true, changed: true })
  t.notOk(put.body.includes(SECRET), 'the app secret is not echoed')
  t.notOk(put.body.includes(h.seeded.token), 'nor the token')
  const got = await admin.get(`${base}/meta-connection`)
  t.equal(got.json().app_secret_set, true)
  t.notOk(got.body.includes(SECRET))
  const queue = (await admin.get(`${base}/queue`)).json()
  t.equal(queue.depth, 1, 'a settings change enqueues a reconcile of every user')
  const again = await admin.put(`${base}/meta-connection`, { default_role: 'ADMIN' })
  t.equal(again.json().changed, false, 'an unchanged PUT changes nothing')
  const cleared = await admin.put(`${base}/meta-connection`, { app_secret: null })
  t.equal(cleared.json().app_secret_set, false, 'null clears a secret')
  t.equal(cleared.json().access_token_set, true, 'a secret left out is kept')
  t.ok(ada)
})

t.test('PUT validates with details; unknown tenants are 404', async (t) => {
  const { admin, base } = await provisionedAdmin(t)
  const bad = await admin.put(`${base}/meta-connection`, { business_id: 'abc', invite_type: 'EMAIL', extra: 1 })
  t.equal(bad.statusCode, 400)
  const paths = bad.json().details.map((d: { path: string }) => d.path).sort()
  t.same(paths, ['body', 'body.business_id', 'body.invite_type'])
  t.equal((await admin.put(`${base}/meta-connection`, { default_role: 'OWNER' })).statusCode, 400)
  const missing = '/tenants/00000000-0000-4000-8000-000000000000'
  t.equal((await admin.get(`${missing}/meta-connection`)).statusCode, 404)
  t.equal((await admin.put(`${missing}/meta-connection`, { dry_run: true })).statusCode, 404)
  t.equal((await admin.post(`${missing}/meta-connection/test`)).statusCode, 404)
  t.equal((await admin.get('/tenants/not-a-uuid/meta-connection')).statusCode, 400)
})

t.test('tenant isolation: another tenant sees its own (empty) settings, and cannot test', async (t) => {
  const { h, admin, otherBase } = await provisionedAdmin(t)
  const res = await admin.get(`${otherBase}/meta-connection`)
  t.match(res.json(), { business_id: null, access_token_set: false, effective_dry_run: true })
  t.notOk(res.body.includes(h.businessId))
  const test = await admin.post(`${otherBase}/meta-connection/test`)
  t.equal(test.statusCode, 409)
  t.equal(test.json().error, 'not_configured')
  t.equal(h.calls().length, 0, 'no Graph call was made')
})

t.test('test connection: every check ok against the simulator; a refused token fails each with auth', async (t) => {
  const { h, admin, base } = await provisionedAdmin(t)
  const ok = await admin.post(`${base}/meta-connection/test`)
  t.equal(ok.statusCode, 200, ok.body)
  t.equal(ok.json().ok, true)
  const lines = new Map(ok.json().checks.map((c: { check: string, ok: boolean }) => [c.check, c.ok]))
  for (const name of ['token', 'appsecret_proof', 'permissions:people', 'business', 'business_users', 'pending_users', 'system_users', 'ad_accounts']) {
    t.equal(lines.get(name), true, `${name} ok`)
  }
  t.ok(h.calls().length >= 4, 'Meta was called')
  t.same(h.calls().filter((c: { method: string }) => c.method !== 'GET'), [], 'nothing but reads')
  t.notOk(ok.body.includes(h.seeded.token))

  await admin.put(`${base}/meta-connection`, { access_token: 'EAAB-not-a-valid-token' })
  const bad = await admin.post(`${base}/meta-connection/test`)
  t.equal(bad.statusCode, 200)
  t.equal(bad.json().ok, false)
  for (const c of bad.json().checks.filter((c: { check: string }) => !c.check.startsWith('permissions:') && c.check !== 'appsecret_proof')) {
    t.match(c, { ok: false, error: { class: 'auth' }, fix: /generate a new system-user token/ }, c.check)
  }
  t.ok(bad.json().checks.filter((c: { check: string }) => c.check.startsWith('permissions:')).some((c: { ok: boolean }) => !c.ok), 'permissions unknown')
  t.notOk(bad.body.includes('EAAB-not-a-valid-token'))
})

t.test('without the provisioning runtime, writes and tests answer 503; reads work', async (t) => {
  const { app, tenantId } = await buildTestApp(t, { env: adminEnv })
  const admin = adminClient(app)
  t.equal((await admin.get(`/tenants/${tenantId}/meta-connection`)).statusCode, 200)
  t.equal((await admin.put(`/tenants/${tenantId}/meta-connection`, { dry_run: true })).statusCode, 503)
  t.equal((await admin.post(`/tenants/${tenantId}/meta-connection/test`)).statusCode, 503)
})

t.test('what the environment sets is read-only here (409 naming the variable); the rest stays editable', async (t) => {
  const { h, admin, base } = await provisionedAdmin(t)
  const env = metaSettingsFromEnv(testConfig({ META_DEFAULT_ROLE: 'ADMIN', META_ACCESS_RULES: '[{"group":"Ops"}]' }).meta)!
  await applyEnvMetaSettings(h.db, h.runtime.box, h.runtime.queue, h.tenantId, env)
  const got = (await admin.get(`${base}/meta-connection`)).json()
  t.match(got, { default_role: 'ADMIN', managed_by: 'env', env_owned: { default_role: 'META_DEFAULT_ROLE' } })
  t.same(Object.keys(got.env_owned), ['default_role'])

  const refused = await admin.put(`${base}/meta-connection`, { default_role: 'EMPLOYEE', dry_run: true })
  t.equal(refused.statusCode, 409)
  t.equal(refused.json().error, 'managed_by_environment')
  t.match(refused.json().message, /default_role \(META_DEFAULT_ROLE\)/)
  t.same(refused.json().details, [{ path: 'body.default_role', message: 'set by META_DEFAULT_ROLE' }])
  t.equal((await admin.get(`${base}/meta-connection`)).json().dry_run, false, 'a refused request changes nothing')

  const allowed = await admin.put(`${base}/meta-connection`, { dry_run: true })
  t.equal(allowed.statusCode, 200, 'a setting the environment leaves alone is the admin\'s')
  t.match(allowed.json(), { dry_run: true, default_role: 'ADMIN', env_owned: { default_role: 'META_DEFAULT_ROLE' } })

  const rules = await admin.put(`${base}/access-rules`, { rules: [{ group: 'Ops', role: 'ADMIN' }] })
  t.equal(rules.statusCode, 409)
  t.match(rules.json(), { error: 'managed_by_environment', message: /rules \(META_ACCESS_RULES\)/ })
})

t.test('a new connection starts in dry run until turned off explicitly, with the EMPLOYEE default role', async (t) => {
  const { admin, otherBase } = await provisionedAdmin(t)
  t.match((await admin.get(`${otherBase}/meta-connection`)).json(), { default_role: 'EMPLOYEE', dry_run: true, env_owned: {} },
    'an admin-created tenant has the same defaults as the environment\'s')
  const connected = await admin.put(`${otherBase}/meta-connection`, { business_id: '77', access_token: 'EAAB-new-connection' })
  t.match(connected.json(), { business_id: '77', access_token_set: true, dry_run: true, effective_dry_run: true }, 'credentials alone call nothing')
  const off = await admin.put(`${otherBase}/meta-connection`, { dry_run: false })
  t.match(off.json(), { dry_run: false, effective_dry_run: false }, 'turned off explicitly')
  const again = await admin.put(`${otherBase}/meta-connection`, { access_token: 'EAAB-rotated' })
  t.equal(again.json().dry_run, false, 'a new token on a live connection does not turn dry run back on')
  const cleared = await admin.put(`${otherBase}/meta-connection`, { access_token: null })
  t.equal(cleared.json().effective_dry_run, true)
  const reconnected = await admin.put(`${otherBase}/meta-connection`, { access_token: 'EAAB-back', dry_run: false })
  t.match(reconnected.json(), { dry_run: false, effective_dry_run: false }, 'the same request may turn dry run off')
})
