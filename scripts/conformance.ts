/**
 * `npm run conformance`: runs the vendors' SCIM suites (Okta SPEC test, Microsoft "SCIM Tests")
 * with newman against this server, started in-process on a fresh embedded database in a temp
 * directory on 127.0.0.1, and fails on any failed assertion not listed in
 * conformance/deviations.json. The suites are vendored under conformance/vendor (their
 * licenses: conformance/vendor/README.md).
 *
 * Each suite runs once per authentication mode: `static` (a SCIM token from the admin API)
 * and `oauth` (an access token the suite's tenant gets from POST /oauth/token with a client
 * id and secret, as Entra does). `--auth static|oauth|both` (or CONFORMANCE_AUTH) picks the
 * modes; the default is both.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AddressInfo } from 'node:net'
import pino from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { noopAccessChangeSink } from '../src/directory/access-change-sink.js'
import { createUsersService } from '../src/directory/users-service.js'
import { insertTenant } from '../src/tenants/tenants-repository.js'
import { TokenService } from '../src/tenants/token-service.js'
import { createOAuthServices, type OAuthServices } from '../src/oauth/services.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const vendorDir = join(root, 'conformance/vendor')
const newman = join(root, 'node_modules/.bin/newman')

interface Deviation { suite: string, request: string, assertion: string, reason: string }
interface Outcome { request: string, assertion: string, error?: string }
interface SuiteResult { name: string, mode: AuthMode, outcomes: Outcome[] }
type AuthMode = 'static' | 'oauth'

function authModes (): AuthMode[] {
  const flag = process.argv.indexOf('--auth')
  const value = (flag >= 0 ? process.argv[flag + 1] : undefined) ?? process.env.CONFORMANCE_AUTH ?? 'both'
  if (value === 'both') return ['static', 'oauth']
  if (value === 'static' || value === 'oauth') return [value]
  throw new Error(`--auth must be static, oauth or both, not ${value}`)
}

/** A bearer token for the tenant: a static SCIM token, or one issued by the token endpoint. */
async function bearerFor (
  mode: AuthMode, tenantId: string, tokens: TokenService, oauth: OAuthServices, baseUrl: string
): Promise<string> {
  if (mode === 'static') return (await tokens.create(tenantId, 'conformance')).token
  const { client, secret } = await oauth.clients.create(tenantId, 'conformance')
  // Entra's "Header" variant: id and secret form-urlencoded inside HTTP Basic (RFC 6749 §2.3.1).
  const pair = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(secret.secret)}`
  const basic = Buffer.from(pair).toString('base64')
  const res = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: 'grant_type=client_credentials'
  })
  const body = await res.json() as { access_token?: string }
  if (res.status !== 200 || typeof body.access_token !== 'string') {
    throw new Error(`token endpoint answered ${res.status}`)
  }
  return body.access_token
}

interface NewmanReport {
  run: {
    executions: Array<{
      item: { name: string }
      assertions?: Array<{ assertion: string, error?: { message: string } }>
    }>
  }
}

async function runNewman (collection: string, envVars: Record<string, string>, reportFile: string): Promise<void> {
  const args = ['run', collection, '--reporters', 'json', '--reporter-json-export', reportFile, '--suppress-exit-code']
  for (const [key, value] of Object.entries(envVars)) args.push('--env-var', `${key}=${value}`)
  await new Promise<void>((_resolve, reject) => {
    const child = spawn(newman, args, { stdio: ['ignore', 'inherit', 'inherit'] })
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? _resolve() : reject(new Error(`newman exited with ${String(code)}`))))
  })
}

function outcomes (reportFile: string): Outcome[] {
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as NewmanReport
  return report.run.executions.flatMap((execution) => (execution.assertions ?? []).map((a) => ({
    request: execution.item.name,
    assertion: a.assertion,
    ...(a.error ? { error: a.error.message } : {})
  })))
}

async function main (): Promise<number> {
  const deviations = (JSON.parse(readFileSync(join(root, 'conformance/deviations.json'), 'utf8')) as { deviations: Deviation[] }).deviations
  const work = mkdtempSync(join(tmpdir(), 'scim-conformance-'))
  const database = await openDatabase({ dataDir: join(work, 'data') })
  const results: SuiteResult[] = []
  try {
    await migrateToLatest(database.db)
    const tokens = new TokenService(database.db, 0)
    const oauth = createOAuthServices(database.db)
    const config = loadConfig({ DATA_DIR: join(work, 'data'), LOG_LEVEL: 'silent' })
    const app = await buildApp({ config, db: database.db, logger: pino({ level: 'silent' }), tokens, oauth })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const port = (app.server.address() as AddressInfo).port
    const baseUrl = `http://127.0.0.1:${port}`
    try {
      for (const mode of authModes()) {
        // Fresh tenants per mode: each run starts from the same empty directory.
        const okta = await insertTenant(database.db, `okta-conformance-${mode}`)
        const microsoft = await insertTenant(database.db, `microsoft-conformance-${mode}`)
        const oktaToken = await bearerFor(mode, okta.id, tokens, oauth, baseUrl)
        const microsoftToken = await bearerFor(mode, microsoft.id, tokens, oauth, baseUrl)
        // Okta's suite reads an existing user with name and email before it creates its own.
        await createUsersService({ db: database.db, accessChanges: noopAccessChangeSink }).create(okta.id, {
          userName: 'seed.user@example.com',
          name: { givenName: 'Seed', familyName: 'User' },
          emails: [{ value: 'seed.user@example.com', type: 'work', primary: true }],
          active: true
        })
        await runNewman(join(vendorDir, 'okta/Okta-SCIM-20-SPEC-Test.postman_collection.json'), {
          SCIMBaseURL: `${baseUrl}/scim/v2`, auth: `Bearer ${oktaToken}`
        }, join(work, `okta-${mode}.json`))
        results.push({ name: 'okta', mode, outcomes: outcomes(join(work, `okta-${mode}.json`)) })
        await runNewman(join(vendorDir, 'microsoft/PostmanCollection.adapted.json'), {
          Protocol: 'http', Server: '127.0.0.1', Port: `:${port}`, Api: 'scim/v2', token: microsoftToken
        }, join(work, `microsoft-${mode}.json`))
        results.push({ name: 'microsoft', mode, outcomes: outcomes(join(work, `microsoft-${mode}.json`)) })
      }
    } finally {
      await app.close()
    }
  } finally {
    await database.close()
    rmSync(work, { recursive: true, force: true })
  }

  let unexpected = 0
  for (const suite of results) {
    const listed = deviations.filter((d) => d.suite === suite.name)
    const isListed = (o: Outcome): boolean => listed.some((d) => d.request === o.request && d.assertion === o.assertion)
    const failed = suite.outcomes.filter((o) => o.error !== undefined)
    const passed = suite.outcomes.length - failed.length
    const deviating = failed.filter(isListed)
    const surprises = failed.filter((o) => !isListed(o))
    unexpected += surprises.length
    console.log(`${suite.name} (${suite.mode} token): ${passed} passed, ${failed.length} failed (${deviating.length} listed deviations, ${surprises.length} unexpected) of ${suite.outcomes.length}`)
    for (const o of surprises) console.log(`  UNEXPECTED FAILURE: ${o.request} / ${o.assertion}: ${o.error ?? ''}`)
    for (const d of listed) {
      if (!failed.some((o) => o.request === d.request && o.assertion === d.assertion)) {
        console.log(`  note: listed deviation now passes (${suite.mode} token), remove it from conformance/deviations.json: ${d.request} / ${d.assertion}`)
      }
    }
  }
  return unexpected === 0 ? 0 : 1
}

main().then((code) => { process.exitCode = code }, (err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
