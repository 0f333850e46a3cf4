import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import pino from 'pino'
import { buildApp } from '../../src/app.js'
import { openDatabase } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { insertTenant } from '../../src/tenants/tenants-repository.js'
import { TokenService } from '../../src/tenants/token-service.js'
import { testConfig } from '../helpers/app.js'
import { postgresBinDir, startPrivatePostgres } from '../helpers/private-postgres.js'

// PostgreSQL stopped and frozen under SCIM write load, on a server of the test's own. What an
// IdP must see: 503 with Retry-After while the database is gone (never 500), no request held
// past the database deadline while it is frozen, everything working again afterwards, and no
// write it was told succeeded missing.

const binDir = postgresBinDir()
const DEADLINE_MS = 1_500
const WORKERS = 4

type Phase = 'up' | 'stopped' | 'restarting' | 'recovered' | 'frozen' | 'thawing' | 'after'

interface Write {
  kind: 'create' | 'add'
  status: number
  retryAfter: string | undefined
  /** The phase when the request was sent and when it was answered. */
  sentIn: Phase
  answeredIn: Phase
  userId?: string
}

t.test('PostgreSQL stopped and frozen under SCIM write load', { skip: binDir === undefined ? 'PostgreSQL server binaries (initdb, pg_ctl) not found; set PG_BIN_DIR' : false, timeout: 120_000 }, async (t) => {
  const server = await startPrivatePostgres(binDir ?? '')
  t.teardown(server.destroy)
  const database = await openDatabase({
    databaseUrl: server.url, dataDir: '', timeouts: { connectMs: 1_000, statementMs: 5_000, idleMs: 10_000 }
  })
  t.teardown(database.close)
  await migrateToLatest(database.db)
  const tenant = await insertTenant(database.db, 'faults')
  const tokens = new TokenService(database.db)
  const { token } = await tokens.create(tenant.id, 'faults')
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' }
  const app = await buildApp({
    config: testConfig({ DATABASE_REQUEST_DEADLINE_MS: String(DEADLINE_MS) }),
    db: database.db,
    logger: pino({ level: 'silent' }),
    tokens
  })
  t.teardown(() => app.close())
  // The token is verified once while the database is up; the cache keeps it through the outage.
  const group = await app.inject({ method: 'POST', url: '/scim/v2/Groups', headers, payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Faults' } })
  t.equal(group.statusCode, 201)
  const groupId = (group.json() as { id: string }).id

  let phase: Phase = 'up'
  const writes: Write[] = []
  const frozenWaits: number[] = []
  const control = { running: true }
  let n = 0
  const load = async (worker: number): Promise<void> => {
    while (control.running) {
      const userName = `fault-${worker}-${n++}@example.com`
      const sentIn = phase
      const started = performance.now()
      const created = await app.inject({
        method: 'POST', url: '/scim/v2/Users', headers, payload: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, active: true }
      })
      if (sentIn === 'frozen') frozenWaits.push(performance.now() - started)
      const userId = created.statusCode === 201 ? (created.json() as { id: string }).id : undefined
      writes.push({ kind: 'create', status: created.statusCode, retryAfter: created.headers['retry-after'] as string | undefined, sentIn, answeredIn: phase, userId })
      if (userId === undefined) {
        // What an IdP does after a 503: wait (shortened here) and go on.
        await sleep(20)
        continue
      }
      const addSentIn = phase
      const addStarted = performance.now()
      const added = await app.inject({
        method: 'PATCH',
        url: `/scim/v2/Groups/${groupId}`,
        headers,
        payload: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value: userId }] }] }
      })
      if (addSentIn === 'frozen') frozenWaits.push(performance.now() - addStarted)
      writes.push({ kind: 'add', status: added.statusCode, retryAfter: added.headers['retry-after'] as string | undefined, sentIn: addSentIn, answeredIn: phase, userId })
    }
  }
  const workers = Array.from({ length: WORKERS }, async (_, i) => { await load(i) })

  await sleep(1_500)
  await server.stopImmediate()
  phase = 'stopped'
  await sleep(2_500)
  phase = 'restarting'
  await server.start()
  phase = 'recovered'
  await sleep(2_000)
  await server.freeze()
  phase = 'frozen'
  // Long enough that a request held until the thaw would stand out against the deadline.
  await sleep(DEADLINE_MS * 3)
  phase = 'thawing'
  await server.thaw()
  await sleep(500)
  phase = 'after'
  await sleep(2_500)
  control.running = false
  await Promise.all(workers)

  const count = (filter: (w: Write) => boolean): number => writes.filter(filter).length
  t.comment(`writes: ${writes.length}; by phase sent: ${(['up', 'stopped', 'restarting', 'recovered', 'frozen', 'thawing', 'after'] as Phase[])
    .map((p) => `${p} ${count((w) => w.sentIn === p)} (${count((w) => w.sentIn === p && w.status < 300)} ok, ${count((w) => w.sentIn === p && w.status === 503)} × 503)`).join(', ')}`)
  t.comment(`longest wait of a request sent while frozen: ${Math.round(Math.max(0, ...frozenWaits))} ms (deadline ${DEADLINE_MS} ms)`)

  t.test('no 500, and every 503 carries Retry-After', async (t) => {
    t.same(writes.filter((w) => w.status >= 500 && w.status !== 503).map((w) => w.status), [])
    t.same(writes.filter((w) => w.status === 503 && !/^\d+$/.test(w.retryAfter ?? '')), [])
    t.same(writes.filter((w) => w.status >= 300 && w.status !== 503).map((w) => w.status), [], 'nothing but 2xx and 503')
  })

  t.test('while the server is stopped every write is 503 with Retry-After', async (t) => {
    const outage = writes.filter((w) => w.sentIn === 'stopped' && w.answeredIn === 'stopped')
    t.ok(outage.length > 0, 'writes were sent while it was stopped')
    t.same(outage.filter((w) => w.status !== 503).map((w) => w.status), [])
  })

  t.test('while it is frozen no request waits for the thaw', async (t) => {
    const frozen = writes.filter((w) => w.sentIn === 'frozen')
    t.ok(frozen.length > 0, 'writes were sent while it was frozen')
    // Sent and answered while frozen: only the deadline can have ended them.
    t.same(frozen.filter((w) => w.answeredIn === 'frozen' && w.status !== 503).map((w) => w.status), [])
    // The freeze lasts three deadlines: a request still waiting at the thaw was held past it.
    const sentEarly = frozen.length - 2 * WORKERS
    t.ok(frozen.slice(0, Math.max(0, sentEarly)).every((w) => w.answeredIn === 'frozen'), 'answered before the thaw')
    t.ok(Math.max(0, ...frozenWaits) < DEADLINE_MS * 2, 'bounded by the deadline, not by the thaw')
  })

  t.test('after recovery writes succeed again', async (t) => {
    t.ok(count((w) => w.sentIn === 'recovered' && w.status < 300) > 0, 'after the restart')
    t.ok(count((w) => w.sentIn === 'after' && w.status < 300) > 0, 'after the thaw')
    const last = await app.inject({ method: 'GET', url: `/scim/v2/Groups/${groupId}`, headers })
    t.equal(last.statusCode, 200)
  })

  t.test('no acknowledged write is lost', async (t) => {
    const check = new pg.Client({ connectionString: server.url })
    await check.connect()
    t.teardown(() => check.end())
    const users = new Set((await check.query<{ id: string }>('select id from users where tenant_id = $1', [tenant.id])).rows.map((r) => r.id))
    const members = new Set((await check.query<{ member_id: string }>('select member_id from group_members where group_id = $1', [groupId])).rows.map((r) => r.member_id))
    const created = writes.filter((w) => w.kind === 'create' && w.status === 201)
    const added = writes.filter((w) => w.kind === 'add' && w.status < 300)
    t.comment(`acknowledged: ${created.length} creates, ${added.length} member adds`)
    t.ok(created.length > 0 && added.length > 0)
    t.same(created.filter((w) => !users.has(w.userId ?? '')).map((w) => w.userId), [], 'every 201 user is stored')
    t.same(added.filter((w) => !members.has(w.userId ?? '')).map((w) => w.userId), [], 'every acknowledged member add is stored')
  })
})
