import t from 'tap'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, runEntry } from './helpers/child-process.js'
import { pgliteDataDir } from './helpers/database.js'

// The first start as a new admin meets it: nothing is created before the configuration is
// checked and the port is bound, expected failures are one line, and lost tokens can be replaced.
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
  const [, token] = await next.waitFor(/Bearer token:\s+(smb_\S+)/, 150_000)
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
  await first.waitFor(/Admin token:\s+smb_\S+/, 150_000)
  first.child.kill('SIGTERM')
  t.equal(await first.exited, 0)
  // The printed tokens are gone. The admin sets ADMIN_TOKEN and restarts.
  const adminToken = 'recovery-admin-token-0123456789'
  const second = runEntry('src/main.ts', { ...env, LOG_LEVEL: 'info', ADMIN_TOKEN: adminToken })
  t.teardown(() => second.child.kill('SIGKILL'))
  await second.waitFor(/service ready/, 150_000)
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
