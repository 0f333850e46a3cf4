import t from 'tap'
import { ADMIN_TOKEN } from '../helpers/admin.js'
import { freePort } from '../helpers/child-process.js'
import { syncSetup } from '../sync/helpers/setup.js'
import { runCli, runCliProcess } from './helpers/run-cli.js'

/** The service listening on loopback, and the CLI's environment pointing at it. */
async function service (t: any) {
  const s = await syncSetup(t)
  const url = await s.app.listen({ host: '127.0.0.1', port: 0 })
  const env = { SCIM_META_BRIDGE_URL: url, SCIM_META_BRIDGE_ADMIN_TOKEN: ADMIN_TOKEN }
  return { ...s, baseUrl: url, env }
}

t.test('tenants: create, list, show by name, rename, delete (with --yes), in tables and JSON', async (t) => {
  const s = await service(t)
  const created = await runCli(['tenants', 'create', 'Globex'], s.env)
  t.equal(created.code, 0, created.stderr)
  t.match(created.stdout, /created tenant\nid\s+[0-9a-f-]{36}\nname\s+Globex/)

  const list = await runCli(['--json', 'tenants', 'list'], s.env)
  t.equal(list.code, 0)
  const parsed = JSON.parse(list.stdout)
  t.same(parsed.items.map((x: any) => x.name).sort(), ['Globex', 'acme'])
  const globex = parsed.items.find((x: any) => x.name === 'Globex')

  const table = await runCli(['tenants', 'list'], s.env)
  t.match(table.stdout, /^ID\s+NAME\s+CREATED\n/, 'a table with headings')
  t.match(table.stdout, new RegExp(`${globex.id as string}\\s+Globex`))

  const shown = await runCli(['tenants', 'show', 'globex', '--json'], s.env)
  t.equal(JSON.parse(shown.stdout).id, globex.id, 'a tenant can be named case-insensitively')
  const renamed = await runCli(['tenants', 'rename', globex.id, 'Initech'], s.env)
  t.match(renamed.stdout, /name\s+Initech/)

  const refused = await runCli(['tenants', 'delete', 'Initech'], s.env)
  t.equal(refused.code, 2, 'no deletion without --yes')
  t.match(refused.stderr, /--yes/)
  t.equal((await runCli(['tenants', 'delete', 'Initech', '--yes'], s.env)).code, 0)
  const gone = await runCli(['tenants', 'show', globex.id], s.env)
  t.equal(gone.code, 4)
  t.match(gone.stderr, /tenant not found/)
})

t.test('tokens: the secret is printed once and works on /scim/v2; list hides it; revoke stops it', async (t) => {
  const s = await service(t)
  const created = await runCli(['tokens', 'create', 'acme', '--label', 'okta'], s.env)
  t.equal(created.code, 0, created.stderr)
  const secret = created.stdout.trim().split('\n').at(-1) ?? ''
  t.match(created.stdout, /shown once/)
  const scim = async () => (await fetch(`${s.baseUrl}/scim/v2/Users`, { headers: { authorization: `Bearer ${secret}` } })).status
  t.equal(await scim(), 200, 'the printed secret is a working SCIM token')
  const list = await runCli(['tokens', 'list', 'acme', '--json'], s.env)
  const items = JSON.parse(list.stdout).items
  t.equal(items.length, 1)
  t.notOk(list.stdout.includes(secret), 'the list never shows the secret')
  t.equal((await runCli(['tokens', 'revoke', 'acme', items[0].id], s.env)).code, 0)
  t.equal(await scim(), 401)
  t.equal((await runCli(['tokens', 'create', 'acme'], s.env)).code, 2, '--label is required')
})

t.test('sync start follows the run to its end; status, history and drift report on it', async (t) => {
  const s = await service(t)
  s.sim.addMember(s.businessId, { email: 'ann@corp.example' })
  await s.addUser({ userName: 'ann@corp.example', role: 'EMPLOYEE' })
  const started = await runCli(['sync', 'start', 'acme', '--interval', '50'], s.env)
  t.equal(started.code, 0, started.stderr)
  t.match(started.stdout, /status\s+succeeded/)
  t.match(started.stdout, /members\s+2/)
  t.match(started.stderr, /\[#+-*\] \w+/, 'progress bars on stderr')
  t.match(started.stderr, /\[#{24}\] done/, 'the bar ends full')

  const json = await runCli(['sync', 'start', 'acme', '--json', '--interval', '50'], s.env)
  t.equal(json.code, 0)
  const run = JSON.parse(json.stdout)
  t.match(run, { status: 'succeeded', phase: 'done', counts: { members: 2, matched_users: 1, unmanaged: 1 } })
  t.equal(json.stderr, '', 'no progress drawing in --json mode')

  const status = await runCli(['sync', 'status', 'acme', '--json'], s.env)
  t.equal(JSON.parse(status.stdout).id, run.id, 'status defaults to the latest run')
  const history = await runCli(['sync', 'history', 'acme'], s.env)
  t.match(history.stdout, /^RUN\s+STATUS\s+TRIGGER/)
  t.equal(history.stdout.trim().split('\n').length, 3, 'heading and two runs')

  const drift = await runCli(['drift', 'acme'], s.env)
  t.equal(drift.code, 0, drift.stderr)
  t.match(drift.stdout, /Unmanaged \(in the business, unknown to the IdP\) \(1\)\n.*\n.*owner@corp\.example/)
  const driftJson = JSON.parse((await runCli(['drift', 'show', 'acme', '--json', '--invite-age-days', '0'], s.env)).stdout)
  t.match(driftJson, { invite_age_days: 0, counts: { unmanaged: 1, missing: 0 } })
})

t.test('exit codes: failed run 1, usage 2, auth 3, not found 4, unreachable 5', async (t) => {
  // Each exit code once through the real entry (src/cli/main.ts: process exit code, streams,
  // environment); the other cases run the same command code in this process.
  const s = await service(t)
  s.control.connection = undefined
  const failed = await runCliProcess(['sync', 'start', 'acme', '--interval', '50'], s.env)
  t.equal(failed.code, 1)
  t.match(failed.stderr, /failed: the tenant has no Meta connection/)

  let open!: () => void
  s.control.gate = new Promise<void>((resolve) => { open = resolve })
  const detached = await runCli(['sync', 'start', 'acme', '--detach', '--json'], s.env)
  t.equal(detached.code, 0)
  t.match(JSON.parse(detached.stdout), { status: 'running' })
  const busy = await runCli(['sync', 'start', 'acme'], s.env)
  t.equal(busy.code, 1, 'a sync already running is an operation failure')
  t.match(busy.stderr, /already running/)
  open()
  s.control.gate = undefined
  await s.sync.drain()

  const usage = await runCliProcess(['tenants', 'frobnicate'], s.env)
  t.equal(usage.code, 2)
  t.equal((await runCli(['tenants', 'list', '--bogus'], s.env)).code, 2, 'unknown option')
  t.equal((await runCli(['tenants', 'list', '--label', 'x'], s.env)).code, 2, 'an option of another command')
  t.equal((await runCliProcess(['tenants', 'list'], {})).code, 2, 'no URL or token')
  t.equal((await runCli(['tenants', 'create', ''], s.env)).code, 2)
  const invalid = await runCli(['tenants', 'create', '!bad name'], s.env)
  t.equal(invalid.code, 2, 'input the service rejects as invalid')
  const auth = await runCliProcess(['--token', 'wrong-token-0123456789abcdef', 'tenants', 'list', '--json'], s.env)
  t.equal(auth.code, 3)
  t.match(JSON.parse(auth.stderr), { exit_code: 3, error: /admin bearer token/ })
  t.equal((await runCliProcess(['sync', 'status', 'nobody'], s.env)).code, 4)
  t.equal((await runCli(['sync', 'status', 'acme', '00000000-0000-4000-8000-000000000000'], s.env)).code, 4)
  const port = await freePort()
  const unreachable = await runCliProcess(['--url', `http://127.0.0.1:${port}`, 'tenants', 'list'], s.env)
  t.equal(unreachable.code, 5)
  t.match(unreachable.stderr, /cannot reach/)
  const help = await runCliProcess(['--help'])
  t.equal(help.code, 0)
  t.match(help.stdout, /sync start <tenant>/)
})
