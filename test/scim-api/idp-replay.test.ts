import { readdirSync, readFileSync } from 'node:fs'
import t from 'tap'
import { scimTestApp } from './helpers.js'

// Replays the recorded Okta and Entra ID request sequences (test/fixtures/idp/<vendor>/, written
// from the vendor docs and docs/idp-behaviour.md) in file order against a fresh tenant. `save` keeps
// values from a response (`{ "userId": "id" }`) for `{{userId}}` in later requests and expectations.

interface Fixture {
  name: string
  description: string
  source: string
  request: { method: string, path: string, headers?: Record<string, string>, body?: unknown }
  expect: { status: number, body?: unknown, headers?: Record<string, string>, absent?: string[], lengths?: Record<string, number> }
  save?: Record<string, string>
}

function substitute<T> (value: T, vars: Map<string, string>): T {
  return JSON.parse(JSON.stringify(value).replace(/\{\{(\w+)\}\}/g, (_m, name: string) => {
    const found = vars.get(name)
    if (found === undefined) throw new Error(`fixture uses {{${name}}} before saving it`)
    return found
  })) as T
}

function at (body: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value === null || typeof value !== 'object' ? undefined : (value as Record<string, unknown>)[key]), body)
}

for (const vendor of ['okta', 'entra']) {
  t.test(`${vendor} request sequence`, async (t) => {
    const dir = new URL(`../fixtures/idp/${vendor}/`, import.meta.url)
    const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    t.ok(files.length > 10, 'fixtures present')
    const { send } = await scimTestApp(t)
    const vars = new Map<string, string>()
    for (const file of files) {
      const fixture = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Fixture
      t.ok(fixture.source && fixture.name, `${file} says where it comes from`)
      const request = substitute(fixture.request, vars)
      const res = await send(request.method, request.path, request.body, request.headers)
      t.equal(res.status, fixture.expect.status, `${file}: ${fixture.name} (status)`)
      for (const [name, path] of Object.entries(fixture.save ?? {})) {
        const value = at(res.body, path)
        t.type(value, 'string', `${file}: saved ${name}`)
        vars.set(name, String(value))
      }
      const expected = substitute(fixture.expect, vars)
      if (expected.body !== undefined) t.match(res.body, expected.body, `${file}: ${fixture.name} (body)`)
      for (const [header, pattern] of Object.entries(expected.headers ?? {})) {
        t.match(String(res.headers[header]), new RegExp(pattern), `${file}: ${header} header`)
      }
      for (const key of expected.absent ?? []) t.notOk(key in (res.body as object), `${file}: no ${key}`)
      // `body` matches a prefix of an array; `lengths` pins how many elements there are.
      for (const [path, length] of Object.entries(expected.lengths ?? {})) {
        t.equal((at(res.body, path) as unknown[] | undefined)?.length, length, `${file}: ${length} ${path}`)
      }
      if (res.body !== undefined) t.match(String(res.headers['content-type']), /^application\/scim\+json/, `${file}: SCIM content type`)
    }
  })
}
