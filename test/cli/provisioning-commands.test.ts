import t from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ADMIN_TOKEN } from '../helpers/admin.js'
import { provisionedAdmin } from '../admin/helpers/provisioned.js'
import { runCli } from './helpers/run-cli.js'

t.test('meta, rules, people, plan, audit and queue commands against a running service', async (t) => {
  const s = await provisionedAdmin(t)
  const url = await s.app.listen({ host: '127.0.0.1', port: 0 })
  const env = { SCIM_META_BRIDGE_URL: url, SCIM_META_BRIDGE_ADMIN_TOKEN: ADMIN_TOKEN }
  const tenant = s.h.tenantId

  const shown = await runCli(['meta', 'show', tenant], env)
  t.equal(shown.code, 0, shown.stderr)
  t.match(shown.stdout, /access token\s+set/)
  t.notOk(shown.stdout.includes(s.h.seeded.token), 'no secret printed')
  const tested = await runCli(['meta', 'doctor', tenant], env)
  t.equal(tested.code, 0, tested.stderr)
  t.match(tested.stdout, /^ok\s+token\s+valid/m)
  t.match(tested.stdout, /^ok\s+business_users\s+\d+ read/m)
  t.match(tested.stdout, /^ok\s+permissions:people\s+holds business_management/m)
  s.h.sim.changePermissions({ revoke: ['business_management'] })
  const denied = await runCli(['meta', 'doctor', tenant], env)
  t.equal(denied.code, 1, 'a failed check: exit 1')
  t.match(denied.stdout, /^FAILED\s+permissions:people\s+missing business_management .*→ fix: add business_management/m)
  t.match(denied.stdout, /^FAILED\s+business_users .*\[permission 200: .*\] → fix: /m)
  s.h.sim.changePermissions({ grant: ['business_management'] })
  t.equal((await runCli(['meta', 'test', tenant], env)).code, 0, '`meta test` is the same command')
  const set = await runCli(['--json', 'meta', 'set', tenant, '--default-role', 'none', '--dry-run', 'yes'], env)
  t.equal(set.code, 0, set.stderr)
  t.match(JSON.parse(set.stdout), { default_role: null, dry_run: true })
  t.equal((await runCli(['meta', 'set', tenant, '--dry-run', 'maybe'], env)).code, 2)
  t.equal((await runCli(['meta', 'set', tenant, '--invite-type', 'EMAIL'], env)).code, 2, 'a 400 is a usage error')
  const failing = await runCli(['meta', 'test', 'other'], env)
  t.equal(failing.code, 1, 'no connection: the test fails')

  const file = join(t.testdir(), 'rules.json')
  writeFileSync(file, JSON.stringify([{ group: 'Staff', role: 'EMPLOYEE' }]))
  const rules = await runCli(['rules', 'set', tenant, '--file', file], env)
  t.equal(rules.code, 0, rules.stderr)
  t.match((await runCli(['rules', tenant], env)).stdout, /100\s+Staff\s+EMPLOYEE/)
  writeFileSync(file, JSON.stringify([{ group: 'Staff', role: 'KING' }]))
  t.equal((await runCli(['rules', 'set', tenant, '--file', file], env)).code, 2)

  await s.admin.put(`${s.base}/meta-connection`, { dry_run: false })
  const ada = await s.h.createUser('ada@example.com')
  const staff = await s.h.createGroup('Staff', [ada])
  t.ok(staff)
  const plan = await runCli(['plan', tenant], env)
  t.match(plan.stdout, new RegExp(`${ada}\\s+ada@example.com\\s+none\\s+invite`))
  const queue = await runCli(['--json', 'queue', tenant], env)
  t.ok(JSON.parse(queue.stdout).depth >= 1, 'the reconcile waits in the queue')
  await s.h.drain()
  const people = await runCli(['people', 'list', tenant, '--state', 'invited'], env)
  t.match(people.stdout, new RegExp(`${ada}\\s+ada@example.com\\s+EMPLOYEE\\s+invited`))
  t.match((await runCli(['people', 'show', tenant, ada], env)).stdout, /state\s+invited/)
  t.equal((await runCli(['people', 'show', 'other', ada], env)).code, 4, "tenant A's user through tenant B")
  const audit = await runCli(['--json', 'audit', tenant, '--action', 'invite', '--user', ada], env)
  t.same(JSON.parse(audit.stdout).items.map((e: { action: string }) => e.action), ['invite'])
  const retry = await runCli(['queue', 'retry', tenant], env)
  t.equal(retry.code, 0, retry.stderr)
  t.match(retry.stdout, /retried 0 waiting job/)
})
