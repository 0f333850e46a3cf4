import t from 'tap'
import { createLogger, redactUrl } from '../../src/logger.js'
import { buildTestApp } from '../helpers/app.js'
import { adminEnv } from '../helpers/admin.js'

t.test('redactUrl hides the values of secret-looking query parameters only', async (t) => {
  t.equal(redactUrl('/scim/v2/Users'), '/scim/v2/Users')
  t.equal(redactUrl('/scim/v2/Users?access_token=abc&filter=x'), '/scim/v2/Users?access_token=[redacted]&filter=x')
  t.equal(redactUrl('/x?Access%5FToken=abc&count=1&client_secret=s&api_key=k'), '/x?Access%5FToken=[redacted]&count=1&client_secret=[redacted]&api_key=[redacted]')
  t.equal(redactUrl('/x?%E0%A4%A=1'), '/x?%E0%A4%A=1', 'an undecodable name is left as sent')
})

t.test('a token in ?access_token= is refused on every route and never logged', async (t) => {
  const lines: string[] = []
  const logger = createLogger('info', { write: (line: string) => { lines.push(line) } })
  const { app, token, headers } = await buildTestApp(t, { env: adminEnv, deps: { logger } })
  const secret = token
  const scimQuery = await app.inject({ method: 'GET', url: `/scim/v2/Users?access_token=${secret}` })
  t.equal(scimQuery.statusCode, 400, 'alone')
  t.match(scimQuery.json(), { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '400', detail: /Authorization/ })
  t.match(scimQuery.headers['www-authenticate'], /error="invalid_request"/)
  const both = await app.inject({ method: 'GET', url: `/scim/v2/Users?access_token=${secret}`, headers })
  t.equal(both.statusCode, 400, 'even beside a valid Authorization header')
  const admin = await app.inject({ method: 'GET', url: `/admin/v1/tenants?access_token=${adminEnv.ADMIN_TOKEN}` })
  t.equal(admin.statusCode, 400, 'admin API')
  t.match(admin.json(), { error: 'invalid_request', status: 400 })
  const ok = await app.inject({ method: 'GET', url: '/scim/v2/Users?count=1', headers })
  t.equal(ok.statusCode, 200, 'other query parameters are fine')

  const log = lines.join('')
  t.match(log, /access_token=\[redacted\]/, 'the request was logged, redacted')
  t.notOk(log.includes(secret), 'the SCIM token is nowhere in the log')
  t.notOk(log.includes(adminEnv.ADMIN_TOKEN), 'nor the admin token')
})
