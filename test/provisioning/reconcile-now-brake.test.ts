import t from 'tap'
import { brakeHarness } from '../brake/helpers/brake-harness.js'

t.test('reconcile now asks the removal brake like the worker: a removal beyond budget is held', async (t) => {
  const h = await brakeHarness(t)
  const [first, second] = await h.members(3)
  if (first === undefined || second === undefined) throw new Error('members were not created')
  const budget = await h.admin.patch(`/tenants/${h.tenantId}/removal-brake`, { budget_count: 1, budget_percent: 0 })
  t.equal(budget.statusCode, 200, budget.body)
  await h.setActive(first, false)
  await h.setActive(second, false)
  const seq = h.sim.calls.lastSeq

  const ran = await h.runtime.reconcileNow(h.tenantId, first, { dryRun: false })
  if (ran.kind !== 'ran') throw new Error(`reconcile now: ${ran.kind}`)
  t.same(ran.trace.holds, [], 'within the budget')
  t.ok(ran.trace.calls.some((c) => c.method === 'DELETE' && c.outcome === 'success'), 'the removal was sent')
  t.equal(ran.trace.plans[0]?.steps[0]?.kind, 'remove')

  const held = await h.runtime.reconcileNow(h.tenantId, second, { dryRun: false })
  if (held.kind !== 'ran') throw new Error(`reconcile now: ${held.kind}`)
  t.equal(held.trace.holds.length, 1, 'the second removal is held')
  t.match(held.trace.holds[0], { step: { kind: 'remove' }, why: /removal brake engaged/ })
  t.notOk(held.trace.calls.some((c) => c.method === 'DELETE'), 'nothing was removed')
  t.equal(h.removalCalls(seq), 1, 'the simulator saw one removal')
  t.equal((await h.person(second))?.state, 'member', 'the held person is still a member')
  t.match(held.trace.result, { outcome: 'done', state: 'member', last_error: /^held: / })
})
