import t from 'tap'
import { ADMIN_TOKEN } from '../helpers/admin.js'
import { runCli } from '../cli/helpers/run-cli.js'
import { brakeHarness } from './helpers/brake-harness.js'

t.test('removals CLI: status, list, approve some, reject the rest, budget', async (t) => {
  const h = await brakeHarness(t)
  const url = await h.adminApp.listen({ host: '127.0.0.1', port: 0 })
  const env = { SCIM_META_BRIDGE_URL: url, SCIM_META_BRIDGE_ADMIN_TOKEN: ADMIN_TOKEN }
  const budget = await runCli(['removals', 'budget', h.tenantId, '--count', '1', '--percent', '0'], env)
  t.equal(budget.code, 0, budget.stderr)
  t.match(budget.stdout, /1 people or 0 %/)
  const ids = await h.members(3)
  for (const id of ids) await h.setActive(id, false)
  await h.drain()

  const status = await runCli(['removals', 'status', h.tenantId], env)
  t.match(status.stdout, /HELD \(2\)/)
  const list = await runCli(['--json', 'removals', 'list', h.tenantId], env)
  const held = JSON.parse(list.stdout) as { total: number, items: Array<{ id: string, email: string }> }
  t.equal(held.total, 2)
  const [first, second] = held.items
  if (first === undefined || second === undefined) throw new Error('two held actions expected')

  const seq = h.sim.calls.lastSeq
  const approved = await runCli(['removals', 'approve', h.tenantId, first.id], env)
  t.equal(approved.code, 0, approved.stderr)
  t.match(approved.stdout, /approved 1/)
  await h.drain()
  t.equal(h.removalCalls(seq), 1)
  t.notOk(h.memberOf(first.email))

  const usage = await runCli(['removals', 'reject', h.tenantId], env)
  t.not(usage.code, 0, 'reject without ids or --all is a usage error')
  const rejected = await runCli(['removals', 'reject', h.tenantId, '--all'], env)
  t.match(rejected.stdout, /rejected 1/)
  t.ok(h.memberOf(second.email), 'the rejected one stays')
  t.match((await runCli(['removals', 'status', h.tenantId], env)).stdout, /flowing/)
})
