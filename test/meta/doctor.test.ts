import t from 'tap'
import { runDoctor } from '../../src/meta/doctor.js'
import { setup } from './helpers/harness.js'

// `meta doctor`: read-only checks, one line each, with the fix for each failure.

const writes = (calls: Array<{ method: string }>) => calls.filter((c) => c.method !== 'GET')

async function business (t: Parameters<typeof setup>[0], business = {}) {
  const s = await setup(t, { business })
  const { sim, businessId } = s
  const member = sim.addMember(businessId, { email: 'ann@corp.example' })
  sim.addInvite(businessId, { email: 'ben@corp.example' })
  const page = sim.addAsset(businessId, { type: 'page', name: 'Brand' })
  const account = sim.addAsset(businessId, { type: 'ad_account', name: 'Ads' })
  sim.assign(page.id, member.id, ['ANALYZE'])
  return { ...s, page, account }
}

t.test('passes against the default simulator, with a line for every check, and writes nothing', async (t) => {
  const s = await business(t)
  const result = await runDoctor(s.client, { appSecretConfigured: false, now: () => new Date(s.sim.now()) })
  t.equal(result.ok, true, JSON.stringify(result.checks.filter((c) => !c.ok)))
  const names = result.checks.map((c) => c.check)
  t.same(names.slice(0, 2), ['token', 'appsecret_proof'])
  for (const name of ['business', 'business_users', 'pending_users', 'system_users', 'pages', 'ad_accounts',
    'permissions:people', 'permissions:page_access', 'permissions:ad_account_access', 'assigned_users:pages', 'assigned_users:ad_accounts']) {
    t.ok(names.includes(name), `a ${name} line`)
  }
  t.match(result.checks.find((c) => c.check === 'token'), { ok: true, detail: /never expires/ })
  t.match(result.checks.find((c) => c.check === 'permissions:catalog_access'), { ok: true, detail: /not needed/ })
  t.match(result.checks.find((c) => c.check === 'pending_users'), { count: 1 })
  t.same(writes(s.sim.calls.list()), [], 'no POST or DELETE reached Meta')
  t.ok(s.sim.calls.list({ route: 'debug_token' }).length === 1, 'the token was checked with debug_token')
})

t.test('names each failure and its fix when the simulator denies pages_manage_metadata', async (t) => {
  const s = await business(t)
  s.sim.changePermissions({ revoke: ['pages_manage_metadata'] })
  const result = await runDoctor(s.client, { appSecretConfigured: false })
  t.equal(result.ok, false)
  const failed = result.checks.filter((c) => !c.ok)
  t.same(failed.map((c) => c.check), ['permissions:page_access', 'assigned_users:pages'])
  t.match(failed[0], { detail: /missing pages_manage_metadata/, fix: /add pages_manage_metadata to the app/ })
  t.match(failed[1], { error: { code: 10 }, detail: new RegExp(`1 of 1 unreadable: ${s.page.id}`), fix: /pages_manage_metadata/ })
  t.ok(result.checks.find((c) => c.check === 'assigned_users:ad_accounts')?.ok, 'the rest still reads')
  t.same(writes(s.sim.calls.list()), [])
})

t.test('without business_management every business read fails with its fix; an expiring token fails', async (t) => {
  const s = await business(t)
  s.sim.changePermissions({ revoke: ['business_management'] })
  const result = await runDoctor(s.client, { appSecretConfigured: false })
  const failed = new Map(result.checks.filter((c) => !c.ok).map((c) => [c.check, c]))
  for (const name of ['permissions:people', 'business', 'business_users', 'pending_users', 'system_users']) {
    t.ok(failed.has(name), `${name} fails`)
  }
  t.match(failed.get('business_users'), { error: { class: 'permission', code: 200 }, fix: /system user an admin/ })
  t.match(failed.get('permissions:people'), { detail: /missing business_management/ })

  s.sim.changePermissions({ grant: ['business_management'] })
  const token = s.sim.store.tokens.get(s.seeded.token)
  if (token !== undefined) token.expiresAt = s.sim.now() + 3 * 86_400_000
  const expiring = await runDoctor(s.client, { appSecretConfigured: false, now: () => new Date(s.sim.now()) })
  t.match(expiring.checks[0], { check: 'token', ok: false, detail: /expires in 2 days/, fix: /does not expire/ })
})

t.test('appsecret_proof: accepted when sent; named when the app requires it and none is set', async (t) => {
  const signed = await setup(t, { business: { appSecret: 'shh' }, client: { appSecret: 'shh' } })
  const ok = await runDoctor(signed.client, { appSecretConfigured: true })
  t.match(ok.checks.find((c) => c.check === 'appsecret_proof'), { ok: true, detail: /accepted/ })
  const unsigned = await setup(t, { business: { appSecret: 'shh' } })
  const bad = await runDoctor(unsigned.client, { appSecretConfigured: false })
  t.match(bad.checks.find((c) => c.check === 'appsecret_proof'), { ok: false, fix: /set the app secret/ })
})
