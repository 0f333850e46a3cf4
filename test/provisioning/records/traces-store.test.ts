import t, { type Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { acquireLease, insertTraceAndRelease } from '../../../src/provisioning/records/traces-repository.js'
import { insertTenant } from '../../../src/tenants/tenants-repository.js'
import type { ReconcileTrace } from '../../../src/provisioning/engine/reconcile-trace.js'
import { createTestDatabase } from '../../helpers/database.js'

// Storing a trace is one statement that also prunes the person's older traces and releases the
// run's lease; its parts see the tables as they were before it, so the prune's arithmetic is
// checked at the edges here.

const trace = (n: number) => ({
  record: null,
  desired: null,
  rounds: [],
  calls: [],
  brake: [],
  result: { outcome: 'done', message: `run ${n}` }
}) as unknown as ReconcileTrace

async function setup (t: Test) {
  const { db } = await createTestDatabase(t)
  const tenantId = (await insertTenant(db, 'acme')).id
  const userId = randomUUID()
  const other = randomUUID()
  const store = async (user: string, n: number, keep: number, holder = 'job:1') =>
    await insertTraceAndRelease(db, {
      tenantId,
      userId: user,
      trigger: 'queue',
      jobId: '1',
      dryRun: false,
      startedAt: new Date('2026-06-01T12:00:00Z'),
      durationMs: 5,
      trace: trace(n)
    }, keep, holder)
  const runs = async (user: string) => (await db.selectFrom('reconcile_traces').select(['id', 'trace'])
    .where('tenant_id', '=', tenantId).where('user_id', '=', user).orderBy('id').execute())
    .map((r) => (r.trace as unknown as { result: { message: string } }).result.message)
  return { db, tenantId, userId, other, store, runs }
}

for (const keep of [1, 2, 3]) {
  t.test(`keeping ${keep}: the newest ${keep} of six runs stay, another person's are untouched`, async (t) => {
    const s = await setup(t)
    await s.store(s.other, 0, keep)
    const ids: string[] = []
    for (let n = 1; n <= 6; n++) ids.push((await s.store(s.userId, n, keep)).id)
    t.same(await s.runs(s.userId), [1, 2, 3, 4, 5, 6].slice(6 - keep).map((n) => `run ${n}`))
    t.same(await s.runs(s.other), ['run 0'])
    t.ok(ids.every((id) => /^\d+$/.test(id)), 'each call answers the new row\'s id')
    t.equal(new Set(ids).size, 6)
  })
}

t.test('the holder\'s lease is released with the trace; another holder\'s lease stays', async (t) => {
  const s = await setup(t)
  const now = new Date('2026-06-01T12:00:00Z')
  const later = new Date(now.getTime() + 30_000)
  t.ok(await acquireLease(s.db, s.tenantId, s.userId, 'job:1', now, later))
  t.ok(await acquireLease(s.db, s.tenantId, s.other, 'job:2', now, later))
  await s.store(s.userId, 1, 20, 'job:1')
  await s.store(s.other, 1, 20, 'job:1')
  const leases = await s.db.selectFrom('reconcile_leases').select(['user_id', 'holder']).execute()
  t.same(leases, [{ user_id: s.other, holder: 'job:2' }], 'only the storing holder\'s own lease went')
})
