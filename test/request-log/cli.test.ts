import t from 'tap'
import { ADMIN_TOKEN } from '../helpers/admin.js'
import { runCli } from '../cli/helpers/run-cli.js'
import { requestLogApp, userBody } from './helpers.js'

t.test('logs: the request log in the CLI, filtered, paged and followed', async (t) => {
  const h = await requestLogApp(t)
  const a = await h.addTenant('acme', 'okta-prod')
  await h.scim(a.headers, 'POST', '/Users', userBody('ada@example.com'))
  await h.scim(a.headers, 'POST', '/Users', userBody('ada@example.com'))
  await h.scim(a.headers, 'GET', '/Users')
  await h.log.flush()
  const url = await h.app.listen({ host: '127.0.0.1', port: 0 })
  const env = { SCIM_META_BRIDGE_URL: url, SCIM_META_BRIDGE_ADMIN_TOKEN: ADMIN_TOKEN }

  const listed = await runCli(['logs', 'acme'], env)
  t.equal(listed.code, 0, listed.stderr)
  const lines = listed.stdout.trim().split('\n')
  t.match(lines[0], /^AT\s+STATUS\s+SCIM TYPE\s+IDP\s+TOKEN\s+REQUEST\s+ACTION\s+MS/)
  t.match(lines[1], /200\s+-\s+okta\s+okta-prod\s+GET \/scim\/v2\/Users\s+list users/)
  t.match(lines[2], /409\s+uniqueness\s+okta\s+okta-prod\s+POST \/scim\/v2\/Users\s+create user ada@example.com/)
  t.notOk(listed.stdout.includes(a.token), 'no token printed')

  const failures = await runCli(['--json', 'logs', 'acme', '--status', '4xx'], env)
  t.same(JSON.parse(failures.stdout).items.map((i: { status: number }) => i.status), [409])
  const paged = await runCli(['--json', 'logs', 'acme', '--limit', '2'], env)
  const cursor = JSON.parse(paged.stdout).next_cursor as string
  const older = await runCli(['--json', 'logs', 'acme', '--limit', '2', '--cursor', cursor], env)
  t.same(JSON.parse(older.stdout).items.map((i: { status: number }) => i.status), [201])

  const followed = await runCli(['logs', 'acme', '--follow', '--polls', '1', '--interval', '50'], env)
  t.equal(followed.code, 0, followed.stderr)
  const rows = followed.stdout.trim().split('\n')
  t.equal(rows.length, 3, 'the recent requests, then nothing new')
  t.match(rows[0], /201\s+okta\s+okta-prod\s+POST \/scim\/v2\/Users\s+create user ada@example.com\s+\d+ms/,
    'oldest first')
  t.match(rows[2], /200\s+okta\s+okta-prod\s+GET \/scim\/v2\/Users\s+list users/)
  t.equal((await runCli(['logs', 'acme', '--follow', '--interval', '1'], env)).code, 2,
    'an interval under 50 ms is a usage error')
  t.equal((await runCli(['logs', 'nobody'], env)).code, 4)
})
