import t from 'tap'
import { ConfigError, loadConfig } from '../src/config.js'

t.test('defaults give an embedded database on port 8080', async (t) => {
  const config = loadConfig({})
  t.equal(config.port, 8080)
  t.equal(config.dataDir, './data')
  t.equal(config.databaseUrl, undefined)
  t.equal(config.role, 'all')
  t.ok(Object.isFrozen(config))
})

t.test('values are parsed and coerced', async (t) => {
  const config = loadConfig({
    PORT: '9000',
    DATABASE_URL: 'postgres://u@127.0.0.1:5432/db',
    SCIM_MAX_PAGE_SIZE: '50',
    TRUST_PROXY: 'true',
    PUBLIC_BASE_URL: 'https://bridge.example.com/',
    ROLE: 'worker'
  })
  t.equal(config.port, 9000)
  t.equal(config.databaseUrl, 'postgres://u@127.0.0.1:5432/db')
  t.equal(config.scimMaxPageSize, 50)
  t.equal(config.trustProxy, true)
  t.equal(config.publicBaseUrl, 'https://bridge.example.com', 'trailing slash removed')
  t.equal(config.role, 'worker')
})

t.test('empty strings mean unset', async (t) => {
  const config = loadConfig({ PORT: '', DATABASE_URL: '' })
  t.equal(config.port, 8080)
  t.equal(config.databaseUrl, undefined)
})

t.test('every bad variable is named at once, secrets are not echoed', async (t) => {
  const err = t.throws(() => loadConfig({
    PORT: 'eighty', LOG_LEVEL: 'loud', SCIM_BEARER_TOKEN: 'short', DATABASE_URL: 'not a url'
  })) as ConfigError
  t.ok(err instanceof ConfigError)
  const names = err.problems.map((p) => p.split(':')[0]).sort()
  t.same(names, ['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'SCIM_BEARER_TOKEN'])
  t.match(err.message, /PORT: .*\(got "eighty"\)/)
  t.notMatch(err.message, /short/, 'token value not in the message')
  t.notMatch(err.message, /not a url/, 'URL value not in the message')
})

t.test('the worker runs fewer jobs at once on the embedded database unless told otherwise', async (t) => {
  t.equal(loadConfig({}).worker.concurrency, 2, 'embedded: its one connection is taken in turns')
  t.equal(loadConfig({ DATABASE_URL: 'postgres://db.example/bridge' }).worker.concurrency, 8, 'PostgreSQL')
  t.equal(loadConfig({ WORKER_CONCURRENCY: '5' }).worker.concurrency, 5, 'a set value wins on either')
  t.equal(loadConfig({ DATABASE_URL: 'postgres://db.example/bridge', WORKER_CONCURRENCY: '3' }).worker.concurrency, 3)
})
