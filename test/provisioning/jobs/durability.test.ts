import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, runEntry, type RunningProcess } from '../../helpers/child-process.js'
import { createServerDatabase, testDatabaseUrl } from '../../helpers/database.js'
import { API_VERSION, startSimulator } from '../../meta/helpers/harness.js'

// Durability: 300 users created as fast as possible, the real process killed with
// SIGKILL part-way (SCIM writes and Meta invitations both in flight), restarted: every
// acknowledged user is invited exactly once, nothing is lost, nothing is sent twice.

const TOTAL = 300
const KILL_AFTER = 120
const TOKEN = 'durability-test-scim-token-0123456789'

// Two process starts, 300 writes and 300 invitations on a shared 2-core machine: more than the
// suite's default 180 s per file.
t.setTimeout(900_000)
const started = Date.now()
const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`

t.test('SIGKILL part-way through 300 creates: every acknowledged user invited exactly once', async (t) => {
  // 'new': a second invitation for the same email would show up as a second role request.
  const { sim, url } = await startSimulator(t, { settings: { duplicateInvite: 'new' } })
  const seeded = sim.seedBusiness()
  const businessId = seeded.business.id
  const port = await freePort()
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    SCIM_BEARER_TOKEN: TOKEN,
    SECRETS_KEY: Buffer.alloc(32, 3).toString('base64'),
    META_BUSINESS_ID: businessId,
    META_ACCESS_TOKEN: seeded.token,
    // A new connection starts in dry run until it is turned off explicitly.
    META_DRY_RUN: 'false',
    META_GRAPH_URL: url,
    META_API_VERSION: API_VERSION,
    WORKER_BATCH_SIZE: '10',
    OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0'
  }
  if (testDatabaseUrl) env.DATABASE_URL = await createServerDatabase(t)
  else {
    const dataDir = mkdtempSync(join(tmpdir(), 'smb-durability-'))
    t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
    env.DATA_DIR = dataDir
  }
  const start = async (): Promise<RunningProcess> => {
    const run = runEntry('src/main.ts', env)
    t.teardown(() => { run.child.kill('SIGKILL') })
    await run.waitFor(/service ready/, 120_000)
    return run
  }
  const base = `http://127.0.0.1:${port}/scim/v2/Users`
  const create = async (email: string): Promise<number> => {
    const res = await fetch(base, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: email, active: true, emails: [{ value: email, primary: true }] })
    })
    await res.text()
    return res.status
  }
  const emails = Array.from({ length: TOTAL }, (_, i) => `person${i}@example.com`)

  const first = await start()
  t.comment(`first process listening at ${elapsed()}`)
  const acknowledged = new Set<string>()
  let killed = false
  let next = 0
  const invitations = (): number => sim.store.requestsOf(businessId).length
  // 6 IdP connections in parallel (the embedded database serialises them anyway); the process
  // dies under them once both SCIM writes and Meta invitations are in flight.
  await Promise.all(Array.from({ length: 6 }, async () => {
    while (next < TOTAL && !killed) {
      const email = emails[next++]!
      try {
        if (await create(email) === 201) acknowledged.add(email)
      } catch { /* connection reset by the kill */ }
      if (acknowledged.size >= KILL_AFTER && (invitations() >= 10 || acknowledged.size >= 250) && !killed) {
        killed = true
        first.child.kill('SIGKILL')
      }
    }
  }))
  await first.exited
  const invitedBeforeKill = sim.store.requestsOf(businessId).length
  t.comment(`killed after ${acknowledged.size} acknowledged creates, ${invitedBeforeKill} invitations sent`)
  t.ok(acknowledged.size >= KILL_AFTER && acknowledged.size < TOTAL, 'killed part-way')
  t.ok(invitedBeforeKill < acknowledged.size, 'with invitations still owed')
  // Whether the worker got to any invite before the kill depends on scheduling (on PostgreSQL in
  // CI it sent none once); the property under test is exactly-once after restart, asserted below.

  const second = await start()
  t.comment(`second process listening at ${elapsed()}`)
  // The IdP retries what it did not get an answer for; a create that was committed is a 409.
  for (const email of emails) {
    if (acknowledged.has(email)) continue
    const status = await create(email)
    t.ok(status === 201 || status === 409, `retry of ${email}: ${status}`)
  }
  t.comment(`IdP retries done at ${elapsed()}`)
  const pendingFor = () => {
    const counts = new Map<string, number>()
    for (const r of sim.store.requestsOf(businessId)) counts.set(r.email, (counts.get(r.email) ?? 0) + 1)
    return counts
  }
  // Bounded wait for the worker (killed jobs come back after their heartbeat lapses).
  for (let i = 0; i < 600 && pendingFor().size < TOTAL; i++) {
    if (process.env.DEBUG_DURABILITY && i % 20 === 0) t.comment(`${elapsed()}: ${pendingFor().size} invited, ${sim.calls.lastSeq} calls`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  const counts = pendingFor()
  t.comment(`all invitations seen at ${elapsed()}`)
  t.equal(counts.size, TOTAL, 'every user was invited')
  t.same([...acknowledged].filter((e) => counts.get(e) !== 1), [], 'every acknowledged user exactly once')
  t.same([...counts].filter(([, n]) => n !== 1), [], 'no duplicate invitation at all')
  t.equal(sim.calls.list({ route: 'business_users.invite' }).length, TOTAL, 'one invite call per person')

  second.child.kill('SIGTERM')
  t.equal(await second.exited, 0, 'stops cleanly')
})
