import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
  await first.waitFor(/service ready/)
  const base = `http://127.0.0.1:${port}`
  t.equal((await fetch(`${base}/healthz`)).status, 200)
  t.equal((await fetch(`${base}/readyz`)).status, 200)
  t.match(first.output(), new RegExp(`Console:\\s+http://127\\.0\\.0\\.1:${port}/ui`), 'the console URL is printed')
  t.match(first.output(), /"msg":"admin console"/, 'and logged')
  t.equal((await fetch(`${base}/ui/sign-in`)).status, 200, 'the console is there on first start')
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
  await second.waitFor(/service ready/)
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
  await run.waitFor(/service ready/)
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
