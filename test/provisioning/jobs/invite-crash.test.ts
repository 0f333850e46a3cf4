import t from 'tap'
import { freePort, runEntry, type RunningProcess } from '../../helpers/child-process.js'
import { createServerDatabase, pgliteDataDir, testDatabaseUrl } from '../../helpers/database.js'
import { API_VERSION, startSimulator } from '../../meta/helpers/harness.js'

// A worker killed after Meta created an invitation and before the bridge saved its id: the
// invitation was marked as attempted before the call (write-ahead), so the restarted worker
// looks the email up and adopts it instead of inviting again. The simulator creates a second
// invitation for a repeated email ('new'), so a second invite call would show.

t.setTimeout(600_000)

const SCIM_TOKEN = 'invite-crash-test-scim-token-0123456789'
const ADMIN_TOKEN = 'invite-crash-test-admin-token-0123456789'

async function until<T> (what: string, read: () => Promise<T | undefined>, attempts = 1200): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await read()
    if (value !== undefined) return value
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`gave up waiting for ${what}`)
}

t.test('SIGKILL between Meta accepting an invitation and the save: exactly one invitation', async (t) => {
  const { sim, url } = await startSimulator(t, { settings: { duplicateInvite: 'new' } })
  const seeded = sim.seedBusiness()
  const businessId = seeded.business.id
  // Meta records the invitation, then its answer is held: the kill lands inside that window.
  sim.faults.add({ route: 'business_users.invite', holdAnswerMs: 300_000 })
  const port = await freePort()
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    SCIM_BEARER_TOKEN: SCIM_TOKEN,
    ADMIN_TOKEN,
    SECRETS_KEY: Buffer.alloc(32, 5).toString('base64'),
    META_BUSINESS_ID: businessId,
    META_ACCESS_TOKEN: seeded.token,
    META_GRAPH_URL: url,
    META_API_VERSION: API_VERSION,
    // A new connection starts in dry run until turned off explicitly.
    META_DRY_RUN: 'false'
  }
  if (testDatabaseUrl) env.DATABASE_URL = await createServerDatabase(t)
  else env.DATA_DIR = await pgliteDataDir(t)
  const start = async (): Promise<RunningProcess> => {
    const run = runEntry('src/main.ts', env)
    t.teardown(() => { run.child.kill('SIGKILL') })
    await run.waitFor(/service ready/, 120_000)
    return run
  }
  const base = `http://127.0.0.1:${port}`
  // A loaded CI machine can shed a request with 503 + Retry-After (docs/operations.md); the admin
  // client retries those as any client should, and fails loudly on anything else.
  const admin = async (path: string): Promise<any> => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${base}/admin/v1${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
      if (res.status === 503 && attempt < 20) {
        await new Promise((resolve) => setTimeout(resolve, 1000 * Number(res.headers.get('retry-after') ?? 1)))
        continue
      }
      if (res.status !== 200) throw new Error(`GET /admin/v1${path} answered ${res.status}: ${await res.text()}`)
      return await res.json()
    }
  }

  const first = await start()
  const tenantId: string = (await admin('/tenants')).items[0].id
  const email = 'crash@corp.example'
  const created = await fetch(`${base}/scim/v2/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SCIM_TOKEN}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: email, active: true, emails: [{ value: email, primary: true }] })
  })
  t.equal(created.status, 201)
  const userId: string = (await created.json() as { id: string }).id

  const invitation = await until('Meta to record the invitation', async () => sim.store.requestsByEmailOf(businessId, email)[0])
  const during = await admin(`/tenants/${tenantId}/people/${userId}`)
  t.not(during.observed.invite_attempted_at, null, 'the attempt was saved before Meta answered')
  t.equal(during.observed.invite_id, null, 'and the invitation\'s id is not known yet')
  first.child.kill('SIGKILL')
  await first.exited
  // The simulator logs a held call when its answer ends: here when it notices the dropped
  // socket, which may come after the child's exit event.
  const logged = await until('the simulator to log the cut-off call', async () => {
    const calls = sim.calls.list({ route: 'business_users.invite' })
    return calls.length > 0 ? calls : undefined
  })
  t.equal(logged.length, 1, 'one invite call before the kill')
  const callsBefore = sim.calls.lastSeq

  await start()
  const adopted = await until('the restarted worker to record the invitation', async () => {
    const person = await admin(`/tenants/${tenantId}/people/${userId}`)
    return person.observed.invite_id === null ? undefined : person
  })
  t.equal(adopted.observed.invite_id, invitation.id, 'the invitation Meta made is the one recorded')
  t.equal(adopted.observed.state, 'invited')
  t.equal(adopted.observed.invite_attempted_at, null, 'the mark is cleared once the outcome is known')
  t.equal(sim.store.requestsByEmailOf(businessId, email).length, 1, 'exactly one invitation in Meta')
  t.equal(sim.calls.list({ route: 'business_users.invite' }).length, 1, 'no second invite call')
  const after = sim.calls.list({ since: callsBefore })
  t.ok(after.some((c) => c.route === 'pending_users.list'), 'the restarted worker looked before deciding')
})
