import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import t from 'tap'
import { parse } from 'yaml'
import { adminEnv } from '../helpers/admin.js'
import { buildTestApp } from '../helpers/app.js'
import { repoRoot } from '../helpers/child-process.js'

/**
 * Fuzzes every route openapi.yaml describes through the real HTTP stack (app.inject) and the
 * real database, and asserts what must hold for any input: no 5xx, and on /scim every error is
 * an RFC 7644 §3.12 body. Deterministic: FUZZ_SEED (default below) and FUZZ_RUNS choose the
 * requests; a failure prints the seed and the shrunk request to replay it.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261203)
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000)
/** A bound on the run whatever the machine: fast-check stops early (not a failure) past it. */
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? 40_000)

const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error'
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User'
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group'
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const

interface Operation { method: string, path: string, hasBody: boolean, documented: string[] }

function operations (): Operation[] {
  const spec = parse(readFileSync(join(repoRoot, 'openapi.yaml'), 'utf8')) as {
    paths: Record<string, Record<string, { requestBody?: unknown, responses?: Record<string, unknown> }>>
  }
  const out: Operation[] = []
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const op = item[method]
      if (op) out.push({ method: method.toUpperCase(), path, hasBody: op.requestBody !== undefined || method !== 'get', documented: Object.keys(op.responses ?? {}) })
    }
  }
  return out
}

/** Strings an attacker would try, and any string at all (lone surrogates included). */
const nasty = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83d', '"', '\\', '\\"', '%', '%00', '%ZZ', '()',
      '[', ']', '(((', 'not (', '\u202e', '😀', 'null', 'true', '1e400', '-1', '99999999999999999999999', 'a'.repeat(513),
      'x'.repeat(5000), 'é'.repeat(900), '__proto__', 'constructor', '../..', 'urn:ietf:params:scim:schemas:core:2.0:User:userName')
  }
)

const attributeNames = fc.oneof(
  fc.constantFrom('userName', 'USERNAME', 'name.givenName', 'name.FamilyName', 'emails', 'emails.value', 'emails.type',
    'emails[type eq "work"].value', 'phoneNumbers.value', 'displayName', 'externalId', 'id', 'active', 'title', 'meta.created',
    'meta.lastModified', 'meta.version', 'meta.resourceType', 'members', 'members.value', 'members.display', 'groups', 'groups.value',
    'groups.display', 'roles.value', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', 'addresses.formatted', 'x509Certificates.value'),
  nasty
)

const compareValue = fc.oneof(
  nasty.map((s) => JSON.stringify(s)),
  fc.constantFrom('true', 'false', 'null', '2015-10-10T14:38:21Z', '2015-10-10T14:38:21.8617979-07:00', '"2015-99-99"', 'O', '1', '1.5', '"'),
  fc.integer().map(String)
)

const filterText: fc.Arbitrary<string> = fc.letrec<{ filter: string }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(attributeNames, fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'EQ', 'xx'), compareValue).map(([a, o, v]) => `${a} ${o} ${v}`),
    attributeNames.map((a) => `${a} pr`),
    fc.tuple(tie('filter'), fc.constantFrom('and', 'or', 'AND', 'not', ''), tie('filter')).map(([l, o, r]) => `${l} ${o} ${r}`),
    tie('filter').map((f) => `not (${f})`),
    tie('filter').map((f) => `(${f})`),
    fc.tuple(fc.constantFrom('emails', 'members', 'groups', 'name', 'addresses'), tie('filter')).map(([a, f]) => `${a}[${f}]`),
    nasty
  )
})).filter

const numberish = fc.oneof(fc.integer().map(String), fc.bigInt().map(String), fc.double().map(String), nasty)

const fullQuery: fc.Arbitrary<Partial<Record<string, string>>> = fc.record({
  filter: filterText,
  startIndex: numberish,
  count: numberish,
  sortBy: attributeNames,
  sortOrder: fc.oneof(fc.constantFrom('ascending', 'descending', 'DESCENDING'), nasty),
  attributes: fc.array(attributeNames, { maxLength: 3 }).map((a) => a.join(',')),
  excludedAttributes: fc.array(attributeNames, { maxLength: 3 }).map((a) => a.join(',')),
  limit: numberish,
  offset: numberish,
  action: nasty,
  outcome: nasty,
  since: fc.oneof(nasty, fc.constantFrom('-271821-04-20', '275760-09-13', '2026-01-01')),
  user_id: nasty
}, { requiredKeys: [] })

/** Mostly one or two parameters, so a request can pass every check but one; sometimes all of them. */
const query: fc.Arbitrary<Partial<Record<string, string>>> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({}) },
  { weight: 3, arbitrary: fc.record({ filter: filterText }) },
  { weight: 2, arbitrary: fc.record({ startIndex: numberish, count: numberish }, { requiredKeys: [] }) },
  { weight: 2, arbitrary: fc.record({ attributes: fc.array(attributeNames, { maxLength: 2 }).map((a) => a.join(',')), sortBy: attributeNames }, { requiredKeys: [] }) },
  { weight: 3, arbitrary: fullQuery },
  { weight: 1, arbitrary: fc.constant({ access_token: 'in-the-url' }) }
)

/** Percent-encodes every UTF-8 byte (a lone surrogate travels as U+FFFD, as any client would send it). */
const encodeSegment = (value: string): string =>
  [...Buffer.from(value, 'utf8')].map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('')

const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), nasty)

/** Bodies shaped like what the route expects, with hostile values, and bodies of any shape. */
function bodyFor (ids: Fixture): fc.Arbitrary<unknown> {
  const member = fc.oneof(fc.constantFrom(ids.user, ids.user2), nasty, fc.uuid()).map((value) => ({ value, display: 'm' }))
  const resource = fc.record({
    schemas: fc.constantFrom([USER], [GROUP], ['x']),
    userName: nasty,
    displayName: nasty,
    externalId: nasty,
    title: nasty,
    active: fc.oneof(fc.boolean(), nasty),
    name: fc.record({ givenName: nasty, familyName: anyValue }, { requiredKeys: [] }),
    emails: fc.array(fc.record({ value: nasty, type: nasty, primary: anyValue }, { requiredKeys: [] }), { maxLength: 3 }),
    members: fc.oneof(fc.array(member, { maxLength: 3 }), anyValue),
    [USER.replace('core', 'extension:enterprise').replace(':User', ':User')]: anyValue
  }, { requiredKeys: [] })
  const patch = fc.record({
    schemas: fc.constantFrom([PATCH_OP], ['x']),
    Operations: fc.array(fc.record({
      op: fc.oneof(fc.constantFrom('add', 'replace', 'remove', 'Add', 'Replace'), nasty),
      path: fc.oneof(attributeNames, filterText.map((f) => `members[${f}]`), filterText.map((f) => `emails[${f}].value`)),
      value: fc.oneof(anyValue, fc.array(member, { maxLength: 3 }), fc.record({ userName: nasty, active: anyValue }, { requiredKeys: [] }))
    }, { requiredKeys: ['op'] }), { maxLength: 3 })
  }, { requiredKeys: ['Operations'] })
  const search = fc.record({ schemas: fc.constant(['urn:ietf:params:scim:api:messages:2.0:SearchRequest']), filter: filterText, startIndex: fc.oneof(fc.integer(), fc.double(), nasty), count: fc.oneof(fc.integer(), nasty) }, { requiredKeys: [] })
  const admin = fc.record({ name: nasty, label: nasty, rules: fc.array(fc.record({ group: nasty, role: nasty, assets: anyValue }, { requiredKeys: [] }), { maxLength: 2 }), business_id: nasty, enabled: anyValue }, { requiredKeys: [] })
  return fc.oneof(resource, patch, search, admin, anyValue, fc.constant(undefined))
}

interface Fixture { tenant: string, user: string, user2: string, group: string, scimToken: string }

function pathParam (ids: Fixture, name: string, op: Operation): fc.Arbitrary<string> {
  // The fixture tenant stays: deleting it would turn every later SCIM request into a 401.
  const keepTenant = op.method === 'DELETE' && op.path === '/admin/v1/tenants/{tenantId}'
  const known = name === 'tenantId' ? [keepTenant ? '00000000-0000-4000-8000-000000000000' : ids.tenant] : name === 'id' ? [ids.user, ids.group, 'User', 'Group', USER, GROUP] : [ids.user]
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: nasty.map(encodeSegment) },
    { weight: 1, arbitrary: fc.constantFrom('%ZZ', '%00', 'a'.repeat(150), '..', '%2F') }
  ).map((v) => (known.includes(v) ? encodeSegment(v) : v))
}

/** Spellings of the same path the router accepts (case, slashes), as clients and attackers send them. */
const spelling = fc.constantFrom((p: string) => p, (p: string) => p.toUpperCase(), (p: string) => `/${p}`, (p: string) => `${p}/`, (p: string) => p.replace('/v2/', '//v2/'))

function requestFor (ops: Operation[], ids: Fixture) {
  return fc.constantFrom(...ops).chain((op) => {
    const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string)
    return fc.record({
      op: fc.constant(op),
      params: fc.tuple(...names.map((n) => pathParam(ids, n, op))),
      spell: spelling,
      query,
      auth: fc.constantFrom('right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'none', 'wrong', 'basic'),
      contentType: fc.constantFrom('application/scim+json', 'application/scim+json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/xml', undefined),
      body: bodyFor(ids),
      rawBody: fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 50 }) })
    })
  })
}

t.test('fuzzing every OpenAPI route: no 5xx, SCIM error bodies on /scim', async (t) => {
  const { app, token, tenantId, headers } = await buildTestApp(t, { env: adminEnv })
  const create = async (url: string, payload: unknown): Promise<string> =>
    (await app.inject({ method: 'POST', url, headers, payload: JSON.stringify(payload) })).json().id as string
  const user = await create('/scim/v2/Users', { schemas: [USER], userName: 'fuzz-1', emails: [{ value: 'a@b.c', type: 'work', primary: true }] })
  const user2 = await create('/scim/v2/Users', { schemas: [USER], userName: 'fuzz-2' })
  const group = await create('/scim/v2/Groups', { schemas: [GROUP], displayName: 'fuzz', members: [{ value: user }] })
  const ids: Fixture = { tenant: tenantId, user, user2, group, scimToken: token }
  const ops = operations()
  t.ok(ops.length > 40, `${ops.length} operations from openapi.yaml`)

  let sent = 0
  const statuses = new Map<number, number>()
  const started = performance.now()
  await fc.assert(fc.asyncProperty(requestFor(ops, ids), async (r) => {
    let path = r.op.path
    r.params.forEach((value, i) => { path = path.replace(/\{\w+\}/, () => value) })
    const scim = path.startsWith('/scim/')
    if (scim) path = r.spell(path)
    const search = new URLSearchParams(Object.entries(r.query).filter((e): e is [string, string] => e[1] !== undefined)).toString()
    const url = search === '' ? path : `${path}?${search}`
    const secret = scim ? ids.scimToken : adminEnv.ADMIN_TOKEN
    const authorization = { right: `Bearer ${secret}`, none: undefined, wrong: 'Bearer smb_not-a-real-token-0000000000', basic: 'Basic dXNlcjpwYXNz' }[r.auth]
    const payload = r.rawBody ?? (r.body === undefined ? undefined : JSON.stringify(r.body))
    const res = await app.inject({
      method: r.op.method as 'GET',
      url,
      headers: {
        ...(authorization === undefined ? {} : { authorization }),
        ...(r.contentType === undefined || payload === undefined ? {} : { 'content-type': r.contentType })
      },
      ...(payload === undefined || r.op.method === 'GET' ? {} : { payload })
    })
    sent++
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
    const where = `${r.op.method} ${url.slice(0, 300)} → ${res.statusCode} ${res.body.slice(0, 300)}`
    // A 5xx the route documents is an answer (501 for /Bulk, 503 "no provisioning runtime" on
    // admin routes this test app runs without); a 500, or one the spec does not name, is a fault.
    if (res.statusCode >= 500 && (res.statusCode === 500 || !r.op.documented.includes(String(res.statusCode)))) throw new Error(`5xx: ${where}`)
    if (scim && res.statusCode >= 400) {
      let body: { schemas?: unknown, status?: unknown } | undefined
      try { body = JSON.parse(res.body) as typeof body } catch { /* checked below */ }
      if (!Array.isArray(body?.schemas) || body.schemas[0] !== ERROR_URN || body.status !== String(res.statusCode) ||
        !String(res.headers['content-type']).startsWith('application/scim+json')) {
        throw new Error(`not a SCIM error body: ${where}`)
      }
    }
  }), { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false, endOnFailure: true })
  const seconds = (performance.now() - started) / 1000
  t.comment(`seed ${SEED}: ${sent} requests in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`)
  t.ok(sent >= Math.min(RUNS, 500), `at least a meaningful number of requests were sent (${sent})`)
  t.ok([...statuses.keys()].some((s) => s < 300), 'some requests succeeded, so the fuzzer reaches the handlers')
})
