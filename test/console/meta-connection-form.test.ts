import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { ADMIN_TOKEN } from '../helpers/admin.js'
import { provisionedAdmin } from '../admin/helpers/provisioned.js'
import { getMetaSettings } from '../../src/tenants/meta-settings.js'

// Connecting a tenant to a business from the console (the tenant page's form), against the
// Graph simulator: the same rules as the admin API, secrets sealed, the change audited.

const ORIGIN = 'http://console.test'
const form = { 'content-type': 'application/x-www-form-urlencoded', host: 'console.test', origin: ORIGIN }

async function signIn (app: FastifyInstance): Promise<{ cookie: string, csrf: string }> {
  const res = await app.inject({ method: 'POST', url: '/ui/sign-in/token', headers: form, payload: `token=${ADMIN_TOKEN}` })
  const cookie = `__Host-smb_console=${/__Host-smb_console=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1] ?? ''}`
  const page = await app.inject({ url: '/ui', headers: { host: 'console.test', cookie } })
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '' }
}

t.test('the console connects a tenant to the simulated business; the test then passes', async (t) => {
  const { h, app, otherId } = await provisionedAdmin(t)
  const { cookie, csrf } = await signIn(app)
  const page = `/ui/tenants/${otherId}`
  const shown = await app.inject({ url: page, headers: { host: 'console.test', cookie } })
  t.equal(shown.statusCode, 200)
  t.match(shown.body, /Connect to a business/)
  t.match(shown.body, /id="dry_run" name="dry_run" type="checkbox" checked/, 'a new tenant starts with dry run ticked')

  const post = (payload: string, extra: Record<string, string> = {}) => app.inject({
    method: 'POST', url: `${page}/meta-connection`, headers: { ...form, cookie, 'hx-request': 'true', ...extra }, payload
  })
  const token = h.seeded.token
  const noCsrf = await app.inject({ method: 'POST', url: `${page}/meta-connection`, headers: { ...form, cookie }, payload: `business_id=${h.businessId}` })
  t.equal(noCsrf.statusCode, 403, 'no CSRF token, nothing saved')
  t.equal((await getMetaSettings(h.db, otherId)).businessId, null)

  const bad = await post(`_csrf=${csrf}&business_id=not-a-number&access_token=x`)
  t.equal(bad.statusCode, 422)
  t.match(bad.body, /Not saved: business_id/)
  t.equal((await getMetaSettings(h.db, otherId)).businessId, null, 'a refused form writes nothing')

  const saved = await post(`_csrf=${csrf}&business_id=${h.businessId}&access_token=${encodeURIComponent(token)}&dry_run=on`)
  t.equal(saved.statusCode, 200, saved.body.slice(0, 300))
  t.match(saved.body, /Connection saved\. Dry run is on/)
  const settings = await getMetaSettings(h.db, otherId)
  t.equal(settings.businessId, h.businessId)
  t.ok(settings.hasAccessToken)
  t.equal(settings.dryRun, true)
  const row = await h.db.selectFrom('tenant_meta_settings').selectAll().where('tenant_id', '=', otherId).executeTakeFirstOrThrow()
  t.notOk(JSON.stringify(row).includes(token), 'the token is sealed at rest, never stored as sent')

  const live = await post(`_csrf=${csrf}&business_id=${h.businessId}`)
  t.match(live.body, /Dry run is off/, 'unticking dry run turns it off; the empty token field keeps the token')
  t.equal((await getMetaSettings(h.db, otherId)).hasAccessToken, true)

  const test = await app.inject({ method: 'POST', url: `${page}/meta-connection/test`, headers: { ...form, cookie, 'hx-request': 'true' }, payload: `_csrf=${csrf}` })
  t.match(test.body, /Connection test passed\./, 'the saved credentials reach the simulated business')

  const audit = await h.db.selectFrom('audit_events').selectAll().where('tenant_id', '=', otherId).where('action', '=', 'meta_connection_set').execute()
  t.equal(audit.length, 2, 'each save is audited')
  t.equal(audit[0]?.actor, 'console:break-glass')
  t.notOk(JSON.stringify(audit).includes(token), 'the audit names fields, never the token')
})
