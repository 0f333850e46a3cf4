import t from 'tap'
import { ADMIN_TOKEN } from '../helpers/admin.js'
import { runCli } from '../cli/helpers/run-cli.js'
import { buildOAuthApp, form, scimProbe, tokenRequest } from './helpers.js'

t.test('oauth-clients and federation-trusts from the CLI', async (t) => {
  const app = await buildOAuthApp(t)
  const url = await app.app.listen({ host: '127.0.0.1', port: 0 })
  const env = { SCIM_META_BRIDGE_URL: url, SCIM_META_BRIDGE_ADMIN_TOKEN: ADMIN_TOKEN }

  const created = await runCli(['--json', 'oauth-clients', 'create', 'test', '--label', 'entra', '--lifetime-days',
    '730'], env)
  t.equal(created.code, 0, created.stderr)
  const client = JSON.parse(created.stdout)
  const ask = (secret: string) => tokenRequest(app.app, form({
    grant_type: 'client_credentials', client_id: client.client_id as string, client_secret: secret
  }))
  t.equal((await ask(client.client_secret.secret as string)).statusCode, 200, 'the printed secret works')

  const rotated = await runCli(['oauth-clients', 'rotate', 'test', client.id], env)
  t.equal(rotated.code, 0, rotated.stderr)
  t.match(rotated.stdout, /shown once/)
  const newSecret = rotated.stdout.trim().split('\n').at(-1) ?? ''
  t.equal((await ask(newSecret)).statusCode, 200, 'the rotated secret works')

  const listed = await runCli(['oauth-clients', 'list', 'test'], env)
  t.equal(listed.code, 0)
  t.match(listed.stdout, new RegExp(client.client_id as string))
  t.notOk(listed.stdout.includes(newSecret) || listed.stdout.includes(client.client_secret.secret as string),
    'no secret listed')

  const revokedSecret = await runCli(['oauth-clients', 'revoke-secret', 'test', client.id, client.client_secret.id],
    env)
  t.equal(revokedSecret.code, 0, revokedSecret.stderr)
  t.equal((await ask(client.client_secret.secret as string)).statusCode, 401, 'revoked secret refused')

  const first = await runCli(['oauth-clients', 'first-token', 'test', client.id], env)
  t.equal(first.code, 0, first.stderr)
  const firstToken = first.stdout.trim().split('\n').at(-1) ?? ''
  t.equal((await scimProbe(app.app, firstToken)).statusCode, 200, 'the first token works on SCIM')

  t.equal((await runCli(['oauth-clients', 'revoke', 'test', client.id], env)).code, 0)
  t.equal((await scimProbe(app.app, firstToken)).statusCode, 401, 'revoked with the client')
  t.equal((await runCli(['oauth-clients', 'revoke', 'test', client.id], env)).code, 4, 'already revoked: not found')
  t.equal((await runCli(['oauth-clients', 'create', 'test', '--label', 'x', '--lifetime-days', '30'], env)).code, 2,
    'lifetime under a year')

  const trust = await runCli(['--json', 'federation-trusts', 'create', 'test', '--label', 'wif',
    '--issuer', 'https://login.microsoftonline.com/ce5f061f-1111-4222-8333-444455556666/v2.0',
    '--jwks-uri', 'https://login.microsoftonline.com/ce5f061f-1111-4222-8333-444455556666/discovery/v2.0/keys',
    '--subject', 'd2f8ee76-0000-4111-8222-333344445555',
    '--audiences', 'api://b5ba7a93-aaaa-4bbb-8ccc-ddddeeeeffff/.default'], env)
  t.equal(trust.code, 0, trust.stderr)
  const created2 = JSON.parse(trust.stdout)
  t.same(created2.audiences, ['api://b5ba7a93-aaaa-4bbb-8ccc-ddddeeeeffff', 'b5ba7a93-aaaa-4bbb-8ccc-ddddeeeeffff'])
  const updated = await runCli(['--json', 'federation-trusts', 'update', 'test', created2.id, '--subject',
    'other-object'], env)
  t.equal(JSON.parse(updated.stdout).subject, 'other-object')
  t.match((await runCli(['federation-trusts', 'list', 'test'], env)).stdout, /other-object/)
  t.equal((await runCli(['federation-trusts', 'revoke', 'test', created2.id], env)).code, 0)
  t.equal((await runCli(['federation-trusts', 'create', 'test', '--label', 'x'], env)).code, 2, 'missing fields')
})
