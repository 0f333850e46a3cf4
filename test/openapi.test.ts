import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { Validator } from '@seriousme/openapi-schema-validator'
import { buildTestApp } from './helpers/app.js'
import { repoRoot } from './helpers/child-process.js'

interface Spec { openapi: string, paths: Record<string, Record<string, unknown>> }
const specText = readFileSync(join(repoRoot, 'openapi.yaml'), 'utf8')
const spec = parse(specText) as Spec
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'trace']

function specRoutes (): Set<string> {
  const out = new Set<string>()
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of Object.keys(item)) if (METHODS.includes(method)) out.add(`${method.toUpperCase()} ${path}`)
  }
  return out
}

t.test('openapi.yaml validates as OpenAPI 3.1', async (t) => {
  t.match(spec.openapi, /^3\.1\./)
  const validator = new Validator()
  const result = await validator.validate(spec as unknown as Parameters<Validator['validate']>[0])
  t.ok(result.valid, JSON.stringify(result.errors, null, 2))
})

t.test('every registered route is in the spec and every spec route is registered', async (t) => {
  const { app } = await buildTestApp(t)
  const registered = new Set(app.registeredRoutes
    .filter((r) => r.method !== 'HEAD') // Fastify adds HEAD for every GET (RFC 9110 §9.3.2)
    // The console's HTML pages are for browsers, not part of the API contract (docs/console.md).
    .filter((r) => !r.url.startsWith('/ui'))
    // The SCIM scope's catch-all only answers 404 for oddly spelled paths (src/scim-api/plugin.ts).
    .filter((r) => r.url !== '/scim/v2/*' && r.url !== '/scim/v2/' && r.url !== '/scim/v2')
    .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`))
  const documented = specRoutes()
  const missing = [...registered].filter((r) => !documented.has(r)).sort()
  const stale = [...documented].filter((r) => !registered.has(r)).sort()
  t.same(missing, [], 'registered but not documented')
  t.same(stale, [], 'documented but not registered')
})

t.test('the running service serves the same spec', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/openapi.yaml' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /yaml/)
  t.equal(res.body, specText)
})
