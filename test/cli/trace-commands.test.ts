import t from 'tap'
import { ADMIN_TOKEN } from '../helpers/admin.js'
import { provisionedAdmin } from '../admin/helpers/provisioned.js'
import { runCli } from './helpers/run-cli.js'

t.test('reconcile and trace commands against a running service', async (t) => {
  const s = await provisionedAdmin(t)
  const url = await s.app.listen({ host: '127.0.0.1', port: 0 })
  const env = { SCIM_META_BRIDGE_URL: url, SCIM_META_BRIDGE_ADMIN_TOKEN: ADMIN_TOKEN }
  const tenant = s.h.tenantId
  const ada = await s.h.createUser('ada@example.com')

  const none = await runCli(['trace', tenant, 'ada@example.com'], env)
  t.equal(none.code, 4, 'no trace stored yet')

  const seq = s.h.sim.calls.lastSeq
  const dry = await runCli(['reconcile', tenant, 'ada@example.com', '--dry-run'], env)
  t.equal(dry.code, 0, dry.stderr)
  t.match(dry.stdout, /^trace\s+\(dry run, not stored\) dry_run/m)
  t.match(dry.stdout, /^plan\s+invite email=ada@example.com role=EMPLOYEE/m)
  t.match(dry.stdout, /^calls\s+none$/m)
  t.equal(s.h.sim.calls.list({ since: seq }).length, 0, 'the dry run called nothing')

  const now = await runCli(['--json', 'reconcile', 'now', tenant, ada], env)
  t.equal(now.code, 0, now.stderr)
  const ran = JSON.parse(now.stdout)
  t.match(ran, { outcome: 'done', trace: { trigger: 'reconcile_now', result: { state: 'invited' } } })
  const invite = s.h.sim.calls.list({ since: seq }).find((c) => c.method === 'POST')
  t.ok(invite, 'the invitation was sent')

  const shown = await runCli(['trace', tenant, ada], env)
  t.equal(shown.code, 0, shown.stderr)
  t.match(shown.stdout, new RegExp(`^trace\\s+${ran.trace.id as string} reconcile_now`, 'm'))
  t.match(shown.stdout, /^IdP record\s+ada@example.com, active/m)
  t.ok(shown.stdout.includes(`POST ${invite?.path ?? '?'} 200`), 'the invitation call is listed')
  t.ok(shown.stdout.includes(`trace ${invite?.traceId ?? '?'}`), 'with its Meta trace id')
  t.match(shown.stdout, /^result\s+done, state invited/m)

  const list = await runCli(['trace', 'show', tenant, ada, '--list'], env)
  t.equal(list.code, 0, list.stderr)
  t.match(list.stdout, new RegExp(`${ran.trace.id as string}\\s+\\S+\\s+reconcile_now\\s+done`))
  t.equal((await runCli(['trace', tenant, ada, '--id', '999999'], env)).code, 4)
  t.equal((await runCli(['reconcile', 'other', ada], env)).code, 4, "tenant A's user through tenant B")
  t.equal((await runCli(['trace', tenant, 'nobody@example.com'], env)).code, 4)
})
