import { randomBytes } from 'node:crypto'
import t from 'tap'
import { createServerDatabase, testDatabaseUrl } from './helpers/database.js'
import { freePort, runEntry, type RunningProcess } from './helpers/child-process.js'
import { API_VERSION, startSimulator } from './meta/helpers/harness.js'

// Scale-out: one API process and two worker processes (ROLE=api / ROLE=worker) on one
// PostgreSQL database, against the Meta simulator in this process. Every SCIM create becomes
// exactly one invitation, whichever worker takes the job.

const USERS = 100
const SCIM_TOKEN = 'scale-out-scim-token-0123456789'
const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/** Bounded polling: no timing assertion, only a ceiling so a broken run fails instead of hanging. */
async function until (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

t.test('two workers and one API on PostgreSQL invite every user exactly once', {
  skip: testDatabaseUrl === undefined ? 'needs PostgreSQL: set TEST_DATABASE_URL (CI does in its second pass)' : false,
  timeout: 240_000
}, async (t) => {
  const { sim, url: simUrl } = await startSimulator(t)
  const seeded = sim.seedBusiness()
  const databaseUrl = await createServerDatabase(t)
  const env = (role: string, port: number, extra: Record<string, string> = {}): Record<string, string> => ({
    ROLE: role,
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '5',
    HOST: '127.0.0.1',
    // Every process listens: workers serve /healthz, /readyz and /metrics.
    PORT: String(port),
    LOG_LEVEL: 'debug',
    SCIM_BEARER_TOKEN: SCIM_TOKEN,
    ADMIN_TOKEN: 'scale-out-admin-token-0123456789',
    SECRETS_KEY: Buffer.alloc(32, 9).toString('base64'),
    META_GRAPH_URL: simUrl,
    META_API_VERSION: API_VERSION,
    META_BUSINESS_ID: seeded.business.id,
    META_ACCESS_TOKEN: seeded.token,
    // A new connection starts in dry run until it is turned off explicitly.
    META_DRY_RUN: 'false',
    // Small batches so both workers take a share of the queue.
    WORKER_BATCH_SIZE: '2',
    ...extra
  })
  const children: RunningProcess[] = []
  t.teardown(async () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL')
    await Promise.all(children.map(async (c) => await c.exited))
  })
  const start = async (role: string): Promise<RunningProcess & { port: number }> => {
    const port = await freePort()
    const running = runEntry('src/main.ts', env(role, port))
    children.push(running)
    return { ...running, port }
  }
  const scrape = async (p: { port: number }): Promise<string> => {
    const res = await fetch(`http://127.0.0.1:${p.port}/metrics`)
    return await res.text()
  }

  // The API first: it migrates and creates the default tenant; the workers then find both.
  const api = await start('api')
  await api.waitFor(/service ready/, 90_000)
  const workers = [await start('worker'), await start('worker')]
  await Promise.all(workers.map(async (w) => await w.waitFor(/Server listening at http:\/\/127\.0\.0\.1:\d+/, 90_000)))
  // The worker starts once the port is bound (src/main.ts): wait for the whole start.
  await Promise.all(workers.map(async (w) => await w.waitFor(/service ready/, 90_000)))
  t.ok(workers.every((w) => /provisioning worker started/.test(w.output())), 'both workers started and listen')

  const base = `http://127.0.0.1:${api.port}/scim/v2`
  const headers = { authorization: `Bearer ${SCIM_TOKEN}`, 'content-type': 'application/scim+json' }
  const suffix = randomBytes(3).toString('hex')
  const emails = Array.from({ length: USERS }, (_, i) => `person${i}-${suffix}@example.com`)
  const refused: string[] = []
  for (const email of emails) {
    const res = await fetch(`${base}/Users`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: email, active: true, emails: [{ value: email, primary: true }] })
    })
    if (res.status !== 201) refused.push(`${email}: ${res.status} ${await res.text()}`)
    else await res.arrayBuffer()
  }
  t.same(refused, [], `the API process created all ${USERS} users`)

  const invited = (): Set<string> => new Set(sim.store.requestsOf(seeded.business.id).map((r) => r.email.toLowerCase()))
  await until('every invitation', () => emails.every((e) => invited().has(e)))
  // Let any duplicate a second worker might send arrive before counting.
  await until('an empty queue', async () => {
    const body = await scrape(api)
    return /^scim_bridge_queue_jobs\{queue="reconcile-user",state="queued"\} 0$/m.test(body) &&
      /^scim_bridge_queue_jobs\{queue="reconcile-user",state="active"\} 0$/m.test(body)
  })

  const calls = sim.calls.list({ route: 'business_users.invite' })
  t.equal(calls.length, USERS, `exactly ${USERS} invite calls`)
  t.ok(calls.every((c) => c.status === 200), 'all of them accepted')
  const requests = sim.store.requestsOf(seeded.business.id)
  const perEmail = new Map<string, number>()
  for (const r of requests) perEmail.set(r.email.toLowerCase(), (perEmail.get(r.email.toLowerCase()) ?? 0) + 1)
  t.equal(requests.length, USERS, 'one pending request per user')
  t.ok(emails.every((e) => perEmail.get(e) === 1), 'no email invited twice')

  // Both workers took jobs (their debug log names every batch they ran); the API ran none.
  const jobsRun = (p: RunningProcess): number => [...p.output().matchAll(/"jobs":(\d+)[^\n]*job batch processed/g)]
    .reduce((sum, m) => sum + Number(m[1]), 0)
  const shares = workers.map(jobsRun)
  t.ok(shares.every((n) => n > 0), `both workers ran jobs (${shares.join(' + ')})`)
  t.ok(shares[0]! + shares[1]! >= USERS, 'together at least one job per user')
  t.equal(jobsRun(api), 0, 'the API process runs no jobs')

  // Each worker's own /metrics counts what it did; the API's counts no job and no invitation.
  const value = (body: string, line: string): number => {
    const found = body.split('\n').find((l) => l.startsWith(`${line} `))
    return found === undefined ? 0 : Number(found.slice(line.length + 1))
  }
  const completed = 'scim_bridge_jobs_total{queue="reconcile-user",outcome="completed"}'
  const invites = 'scim_bridge_meta_calls_total{method="POST",endpoint="/{id}/business_users",outcome="success"}'
  const bodies = await Promise.all(workers.map(scrape))
  const jobCounts = bodies.map((b) => value(b, completed))
  t.ok(jobCounts.every((n) => n > 0), `each worker counts the jobs it ran (${jobCounts.join(' + ')})`)
  t.equal(jobCounts.reduce((sum, n) => sum + n, 0), USERS, 'one completed reconcile per user in all')
  t.equal(bodies.reduce((sum, b) => sum + value(b, invites), 0), USERS, 'the invitations, counted by the workers that sent them')
  const apiBody = await scrape(api)
  t.equal(value(apiBody, completed), 0, 'the API counted no job')
  t.equal(value(apiBody, invites), 0, 'and sent no invitation')
})
