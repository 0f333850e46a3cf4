import t from 'tap'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:net'
import { freePort, runEntry } from './helpers/child-process.js'
import { pgliteDataDir } from './helpers/database.js'
import { API_VERSION, startSimulator } from './meta/helpers/harness.js'

t.test('first start creates the default tenant and prints its token once; restart keeps the data', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'smb-main-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const port = await freePort()
  const env = { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' }

  const first = runEntry('src/main.ts', env)
  t.teardown(() => first.child.kill('SIGKILL'))
  const [, token] = await first.waitFor(/Bearer token:\s+(smb_\S+)/)
  t.match(first.output(), new RegExp(`SCIM base URL: http://127\\.0\\.0\\.1:${port}/scim/v2`))
  await first.waitFor(/Server listening/)
  const base = `http://127.0.0.1:${port}`
  t.equal((await fetch(`${base}/healthz`)).status, 200)
  t.equal((await fetch(`${base}/readyz`)).status, 200)
  const authed = await fetch(`${base}/scim/v2/Users`, { headers: { authorization: `Bearer ${token}` } })
  t.not(authed.status, 401, 'the printed token works')
  const logLines = first.output().split('\n').filter((l) => l.startsWith('{'))
  t.ok(logLines.length > 0)
  t.notOk(logLines.some((l) => l.includes(token!)), 'the token is never logged')
  t.equal(first.output().split(token!).length, 2, 'the token is printed once')
  first.child.kill('SIGTERM')
  t.equal(await first.exited, 0, 'SIGTERM stops cleanly')
  t.match(first.output(), /stopped/)

  const second = runEntry('src/main.ts', env)
  t.teardown(() => second.child.kill('SIGKILL'))
  await second.waitFor(/Server listening/)
  t.notMatch(second.output(), /Bearer token/, 'no new token on restart')
  const again = await fetch(`${base}/scim/v2/Users`, { headers: { authorization: `Bearer ${token}` } })
  t.not(again.status, 401, 'the first token still works after restart')
  second.child.kill('SIGINT')
  t.equal(await second.exited, 0)
})

t.test('SCIM_BEARER_TOKEN fixes the token', async (t) => {
  // A migrated data directory: creating one from nothing is the first test's part.
  const dataDir = await pgliteDataDir(t)
  const port = await freePort()
  const token = 'fixed-token-for-scripts-0123456789'
  const run = runEntry('src/main.ts', { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', SCIM_BEARER_TOKEN: token })
  t.teardown(() => run.child.kill('SIGKILL'))
  await run.waitFor(/Bearer token:\s+the value of SCIM_BEARER_TOKEN/)
  t.notMatch(run.output(), new RegExp(token))
  const res = await fetch(`http://127.0.0.1:${port}/scim/v2/Users`, { headers: { authorization: `Bearer ${token}` } })
  t.not(res.status, 401)
  const wrong = await fetch(`http://127.0.0.1:${port}/scim/v2/Users`, { headers: { authorization: 'Bearer not-the-token-at-all-000000' } })
  t.equal(wrong.status, 401)
  run.child.kill('SIGTERM')
  t.equal(await run.exited, 0)
})

t.test('ROLE=worker serves health and metrics only, and its metrics show the Meta calls it makes', async (t) => {
  const { sim, url: simUrl } = await startSimulator(t)
  const seeded = sim.seedBusiness()
  const dataDir = await pgliteDataDir(t)
  const port = await freePort()
  const run = runEntry('src/main.ts', {
    ROLE: 'worker',
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    META_GRAPH_URL: simUrl,
    META_API_VERSION: API_VERSION,
    META_BUSINESS_ID: seeded.business.id,
    META_ACCESS_TOKEN: seeded.token,
    // A new connection starts in dry run until it is turned off explicitly.
    META_DRY_RUN: 'false',
    // Work Accounts: every acceptance poll lists the business's members, one Graph call a second.
    META_IDENTITY_MODE: 'work_accounts',
    META_POLL_INTERVAL_SECONDS: '1'
  })
  t.teardown(() => run.child.kill('SIGKILL'))
  await run.waitFor(/provisioning worker started/)
  // The first start wrote the environment's settings: a warning lists each change, no secret.
  const warning = run.output().split('\n').find((l) => l.includes('the environment changed stored Meta settings'))
  t.match(warning, /"level":40/)
  t.match(warning, `META_BUSINESS_ID set ${seeded.business.id}`)
  t.match(warning, 'META_ACCESS_TOKEN set replaced')
  t.notMatch(warning, seeded.token)
  await run.waitFor(/Server listening/)
  const base = `http://127.0.0.1:${port}`
  t.equal((await fetch(`${base}/healthz`)).status, 200)
  t.equal((await fetch(`${base}/readyz`)).status, 200)
  for (const path of ['/scim/v2/Users', '/admin/v1/tenants', '/openapi.yaml']) {
    const res = await fetch(`${base}${path}`)
    await res.arrayBuffer()
    t.equal(res.status, 404, `${path} is not served by a worker`)
  }
  const line = /^scim_bridge_meta_calls_total\{method="GET",endpoint="\/\{id\}\/business_users",outcome="success"\} (\d+)$/m
  let body = ''
  const deadline = Date.now() + 30_000
  while (!line.test(body) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250))
    const res = await fetch(`${base}/metrics`)
    t.equal(res.status, 200)
    body = await res.text()
  }
  t.match(body, line, "the worker's Graph calls are on its own /metrics")
  t.ok(sim.calls.list({ route: 'business_users.list' }).length >= Number(line.exec(body)?.[1] ?? 0), 'no more than the simulator received')
  t.match(body, /^scim_bridge_queue_jobs\{queue="reconcile-user",state="queued"\} 0$/m, 'queue gauges')
  t.match(body, /^# TYPE scim_bridge_sync_oldest_success_age_seconds gauge$/m, 'sync gauges')
  t.notMatch(body, seeded.business.id, 'no business id in any label')
  run.child.kill('SIGTERM')
  t.equal(await run.exited, 0, 'SIGTERM stops cleanly')
})

t.test('a bad configuration stops the process naming every bad variable', async (t) => {
  const run = runEntry('src/main.ts', { PORT: 'x', LOG_LEVEL: 'loud', DATA_DIR: join(tmpdir(), 'never-used') })
  t.equal(await run.exited, 2)
  t.match(run.output(), /PORT/)
  t.match(run.output(), /LOG_LEVEL/)
})

/** Lines of a failed start's output, without blank ones. */
const linesOf = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '')

t.test('a port in use stops the first start before it creates anything: one line, no tokens', async (t) => {
  const dataDir = await pgliteDataDir(t)
  const port = await freePort()
  const squatter = createServer()
  await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve))
  const env = { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }
  const blocked = runEntry('src/main.ts', env)
  t.teardown(() => blocked.child.kill('SIGKILL'))
  t.equal(await blocked.exited, 1)
  t.same(linesOf(blocked.output()), [`scim-meta-bridge failed to start: cannot listen on 127.0.0.1:${port}: the port is in use (set PORT)`])
  await new Promise<void>((resolve) => squatter.close(() => resolve()))

  // Nothing was created, so the next start is still the first: it prints both tokens, after it
  // listens.
  const next = runEntry('src/main.ts', { ...env, LOG_LEVEL: 'info' })
  t.teardown(() => next.child.kill('SIGKILL'))
  const [, token] = await next.waitFor(/Bearer token:\s+(smb_\S+)/)
  t.match(next.output(), /Admin token:\s+smb_\S+/)
  const output = next.output()
  t.ok(output.indexOf('Server listening') >= 0 && output.indexOf('Server listening') < output.indexOf('Bearer token'), 'tokens are printed once the port is bound')
  const res = await fetch(`http://127.0.0.1:${port}/scim/v2/Users`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(res.status, 200)
  next.child.kill('SIGTERM')
  t.equal(await next.exited, 0)
})

t.test('bad META_ACCESS_RULES stop the start before anything is created: one line, exit 2', async (t) => {
  const dataDir = await pgliteDataDir(t)
  const run = runEntry('src/main.ts', {
    DATA_DIR: dataDir, PORT: String(await freePort()), HOST: '127.0.0.1', META_ACCESS_RULES: '[{"group":"Ads","assets":[{"assetType":"page","assetId":"1","bundle":"nope"}]}]'
  })
  t.equal(await run.exited, 2)
  const lines = linesOf(run.output())
  t.equal(lines.length, 1, 'one line')
  t.match(lines[0], /^scim-meta-bridge failed to start: .*no bundle "nope" for page/)
  t.notMatch(run.output(), /token/i)
})

t.test('an unreachable DATABASE_URL is one line naming the server, not "migration unknown failed"', async (t) => {
  const port = await freePort()
  const run = runEntry('src/main.ts', { DATABASE_URL: `postgres://bridge:secret-pw@127.0.0.1:${port}/bridge`, PORT: String(await freePort()), LOG_LEVEL: 'warn' })
  t.equal(await run.exited, 1)
  const lines = linesOf(run.output())
  t.equal(lines.length, 1, 'one line')
  t.match(lines[0], `scim-meta-bridge failed to start: cannot reach the database at 127.0.0.1:${port}/bridge:`)
  t.match(lines[0], /ECONNREFUSED.*\(check DATABASE_URL\)/)
  t.notMatch(run.output(), /secret-pw/, 'the password is not printed')
})

t.test('lost tokens: restart with ADMIN_TOKEN and create a new SCIM token (the documented recovery)', async (t) => {
  const dataDir = await pgliteDataDir(t)
  const port = await freePort()
  const env = { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }
  const first = runEntry('src/main.ts', env)
  t.teardown(() => first.child.kill('SIGKILL'))
  await first.waitFor(/Admin token:\s+smb_\S+/)
  first.child.kill('SIGTERM')
  t.equal(await first.exited, 0)
  // The printed tokens are gone. The admin sets ADMIN_TOKEN and restarts.
  const adminToken = 'recovery-admin-token-0123456789'
  const second = runEntry('src/main.ts', { ...env, LOG_LEVEL: 'info', ADMIN_TOKEN: adminToken })
  t.teardown(() => second.child.kill('SIGKILL'))
  await second.waitFor(/Server listening/)
  const base = `http://127.0.0.1:${port}`
  const admin = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }
  const tenants = await (await fetch(`${base}/admin/v1/tenants`, { headers: admin })).json() as { items: Array<{ id: string, name: string }> }
  const tenant = tenants.items.find((x) => x.name === 'default')
  t.ok(tenant, 'the default tenant is there')
  const created = await fetch(`${base}/admin/v1/tenants/${tenant!.id}/scim-tokens`, { method: 'POST', headers: admin, body: JSON.stringify({ label: 'replacement' }) })
  t.equal(created.status, 201)
  const { token } = await created.json() as { token: string }
  const res = await fetch(`${base}/scim/v2/Users`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(res.status, 200, 'the new SCIM token works')
  second.child.kill('SIGTERM')
  t.equal(await second.exited, 0)
})

t.test('a data directory this user cannot write is one line with the fix', { skip: process.getuid?.() === 0 ? 'root may write anywhere' : false }, async (t) => {
  const parent = mkdtempSync(join(tmpdir(), 'smb-readonly-'))
  t.teardown(() => { chmodSync(parent, 0o755); rmSync(parent, { recursive: true, force: true }) })
  chmodSync(parent, 0o555)
  const run = runEntry('src/main.ts', { DATA_DIR: join(parent, 'data'), PORT: String(await freePort()), LOG_LEVEL: 'warn' })
  t.equal(await run.exited, 1)
  t.same(linesOf(run.output()).length, 1)
  t.match(run.output(), `data directory ${parent} is not writable by this user`)
})
