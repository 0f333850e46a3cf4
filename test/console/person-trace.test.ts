import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { ADMIN_TOKEN } from '../helpers/admin.js'
import { provisionedAdmin } from '../admin/helpers/provisioned.js'

// The person page's "Reconcile now" and its traces over HTTP (fastify inject), against the
// Graph simulator: what the page shows is what the engine did and what Meta was sent.

const ORIGIN = 'http://console.test'
const form = { 'content-type': 'application/x-www-form-urlencoded', host: 'console.test', origin: ORIGIN }

async function signIn (app: FastifyInstance): Promise<{ cookie: string, csrf: string }> {
  const res = await app.inject({ method: 'POST', url: '/ui/sign-in/token', headers: form, payload: `token=${ADMIN_TOKEN}` })
  const secret = /__Host-smb_console=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1] ?? ''
  const cookie = `__Host-smb_console=${secret}`
  const page = await app.inject({ url: '/ui', headers: { host: 'console.test', cookie } })
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? ''
  return { cookie, csrf }
}

t.test('reconcile now from the person page: dry run sends nothing, a real run invites and is traced', async (t) => {
  const { h, app } = await provisionedAdmin(t)
  const ada = await h.createUser('ada@example.com', { roles: [{ value: 'EMPLOYEE', primary: true }] })
  const { cookie, csrf } = await signIn(app)
  t.ok(csrf.length > 10, 'the page carries a CSRF token')
  const page = `/ui/tenants/${h.tenantId}/people/${ada}`
  const before = await app.inject({ url: page, headers: { host: 'console.test', cookie } })
  t.equal(before.statusCode, 200)
  t.match(before.body, /No reconcile of this person has been traced yet/)
  t.match(before.body, /value="dry_run"/, 'a dry run button')

  const post = (mode: string, extra: Record<string, string> = {}) => app.inject({
    method: 'POST', url: `${page}/reconcile`, headers: { ...form, cookie, 'hx-request': 'true', ...extra }, payload: `_csrf=${csrf}&mode=${mode}`
  })
  const seq = h.sim.calls.lastSeq
  const dry = await post('dry_run')
  t.equal(dry.statusCode, 200, dry.body.slice(0, 300))
  t.match(dry.body, /Dry run finished: done, 0 Graph calls/)
  t.match(dry.body, /invite ada@example\.com as EMPLOYEE/, 'the plan is shown')
  t.equal(h.sim.calls.list({ since: seq }).length, 0, 'a dry run calls Meta for nothing')
  t.equal((await h.person(ada))?.state ?? 'none', 'none', 'and writes nothing')

  const noCsrf = await app.inject({ method: 'POST', url: `${page}/reconcile`, headers: { ...form, cookie }, payload: 'mode=run' })
  t.equal(noCsrf.statusCode, 403, 'no CSRF token, no reconcile')
  t.equal(h.sim.calls.list({ since: seq }).length, 0)

  const run = await post('run')
  t.equal(run.statusCode, 200, run.body.slice(0, 300))
  const sent = h.sim.calls.list({ since: seq }).filter((c) => !c.inBatch)
  t.ok(sent.some((c) => c.method === 'POST' && /business_users$/.test(c.path)), 'the invitation reached the simulator')
  for (const call of sent) t.match(run.body, call.path, `the trace shows ${call.method} ${call.path}`)
  t.match(run.body, /Reconcile finished: done/)
  t.equal((await h.person(ada))?.state, 'invited')

  const after = await app.inject({ url: page, headers: { host: 'console.test', cookie } })
  t.match(after.body, /by Reconcile now: done/, 'the stored trace is listed')
  const audit = await h.db.selectFrom('audit_events').selectAll().where('action', '=', 'reconcile_now').execute()
  t.equal(audit.length, 1, 'the action is in the audit log')
  t.equal(audit[0]?.actor, 'console:break-glass', 'with who did it')
})
