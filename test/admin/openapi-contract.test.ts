import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { z, type ZodType } from 'zod'
import { buildTestApp } from '../helpers/app.js'
import { repoRoot } from '../helpers/child-process.js'
import type { RegisteredRoute } from '../../src/app.js'

// The admin half of openapi.yaml against the zod schemas the admin routes validate with
// (src/admin/zod-type-provider.ts): same routes, same path parameters, and every query
// parameter and body field the document names is one the code reads, required where the
// code requires it.

interface JsonSchema {
  $ref?: string
  type?: string
  properties?: Record<string, unknown>
  required?: string[]
  oneOf?: JsonSchema[]
  anyOf?: JsonSchema[]
  allOf?: JsonSchema[]
}
interface Parameter { name: string, in: string, required?: boolean }
interface Operation {
  parameters?: Parameter[]
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> }
}
interface Spec { paths: Record<string, Record<string, Operation>>, components: { schemas: Record<string, JsonSchema> } }

const spec = parse(readFileSync(join(repoRoot, 'openapi.yaml'), 'utf8')) as Spec
const METHODS = ['get', 'put', 'post', 'delete', 'patch']
const ADMIN = '/admin/v1'

/** What one side says about a request part: the fields it knows and those it requires. */
interface Fields { known: Set<string>, required: Set<string> }

function resolve (schema: JsonSchema): JsonSchema {
  if (schema.$ref === undefined) return schema
  const name = schema.$ref.replace('#/components/schemas/', '')
  const target = spec.components.schemas[name]
  if (target === undefined) throw new Error(`openapi.yaml: no schema ${schema.$ref}`)
  return resolve(target)
}

/** A JSON Schema's objects: one, or each alternative of a oneOf/anyOf, or an allOf merged. */
function documentedFields (schema: JsonSchema): Fields {
  const s = resolve(schema)
  const alternatives = s.oneOf ?? s.anyOf
  if (alternatives !== undefined) return unionOf(alternatives.map(documentedFields))
  const out: Fields = { known: new Set(Object.keys(s.properties ?? {})), required: new Set(s.required ?? []) }
  for (const part of s.allOf ?? []) {
    const f = documentedFields(part)
    f.known.forEach((k) => out.known.add(k))
    f.required.forEach((k) => out.required.add(k))
  }
  return out
}

/** Alternatives: a field is known when one knows it and required when every one requires it. */
function unionOf (alternatives: Fields[]): Fields {
  const known = new Set(alternatives.flatMap((a) => [...a.known]))
  const required = new Set([...known].filter((k) => alternatives.every((a) => a.required.has(k))))
  return { known, required }
}

interface ZodDef { type: string, shape?: Record<string, ZodType>, in?: ZodType, options?: ZodType[], innerType?: ZodType }
const defOf = (schema: ZodType): ZodDef => (schema as unknown as { _zod: { def: ZodDef } })._zod.def

/** A zod schema's object fields, through pipes (transforms), unions and an optional body; required = rejects undefined. */
function codeFields (schema: ZodType | undefined): Fields {
  if (schema === undefined) return { known: new Set(), required: new Set() }
  const def = defOf(schema)
  if (def.type === 'pipe' && def.in !== undefined) return codeFields(def.in)
  if ((def.type === 'optional' || def.type === 'default') && def.innerType !== undefined) return codeFields(def.innerType)
  if (def.type === 'union' && def.options !== undefined) return unionOf(def.options.map(codeFields))
  if (def.type !== 'object' || def.shape === undefined) throw new Error(`not an object schema: ${def.type}`)
  const entries = Object.entries(def.shape)
  return {
    known: new Set(entries.map(([k]) => k)),
    required: new Set(entries.filter(([, field]) => !field.safeParse(undefined).success).map(([k]) => k))
  }
}

const specPath = (url: string): string => url.replace(/:(\w+)/g, '{$1}')
const sorted = (s: Iterable<string>): string[] => [...s].sort()
const missing = (want: Set<string>, have: Set<string>): string[] => sorted([...want].filter((k) => !have.has(k)))

/** How the document's fields of one request part differ from the code's. */
function compare (key: string, what: string, doc: Fields, code: Fields): string[] {
  return [
    ...missing(doc.known, code.known).map((name) => `${key}: ${what} ${name} is not read by the code`),
    ...missing(code.known, doc.known).map((name) => `${key}: ${what} ${name} is not documented`),
    ...missing(doc.required, code.required)
      .map((name) => `${key}: ${what} ${name} is required in the document, optional in the code`),
    ...missing(code.required, doc.required)
      .map((name) => `${key}: ${what} ${name} is required by the code, optional in the document`)
  ]
}

/** Every disagreement between the document and the code, one line each. */
function disagreements (routes: readonly RegisteredRoute[]): string[] {
  const out: string[] = []
  const code = new Map(routes.map((r) => [`${r.method} ${specPath(r.url)}`, r]))
  const documented = new Map<string, Operation>()
  for (const [path, item] of Object.entries(spec.paths)) {
    if (!path.startsWith(ADMIN)) continue
    for (const [method, op] of Object.entries(item)) {
      if (METHODS.includes(method)) documented.set(`${method.toUpperCase()} ${path}`, op)
    }
  }
  for (const key of code.keys()) if (!documented.has(key)) out.push(`${key}: registered but not in openapi.yaml`)
  for (const [key, op] of documented) {
    const route = code.get(key)
    if (route === undefined) {
      out.push(`${key}: in openapi.yaml but not registered`)
      continue
    }
    const schema = route.schema as { params?: ZodType, querystring?: ZodType, body?: ZodType } | undefined
    const params = op.parameters ?? []
    const docPath = new Set(params.filter((p) => p.in === 'path').map((p) => p.name))
    const codePath = codeFields(schema?.params)
    if (sorted(docPath).join() !== sorted(codePath.known).join()) {
      const list = (s: Set<string>): string => sorted(s).join(', ')
      out.push(`${key}: path parameters ${list(docPath)} in the document, ${list(codePath.known)} in the code`)
    }
    const query = codeFields(schema?.querystring)
    const docQuery = params.filter((p) => p.in === 'query')
    const doc = {
      known: new Set(docQuery.map((p) => p.name)),
      required: new Set(docQuery.filter((p) => p.required === true).map((p) => p.name))
    }
    out.push(...compare(key, 'query', doc, query))
    const docSchema = op.requestBody?.content?.['application/json']?.schema
    const body = codeFields(schema?.body)
    if (docSchema === undefined) {
      if (schema?.body !== undefined) out.push(`${key}: the code reads a body the document does not describe`)
      continue
    }
    if (schema?.body === undefined) {
      out.push(`${key}: the document describes a body the code does not read`)
      continue
    }
    out.push(...compare(key, 'body field', documentedFields(docSchema), body))
  }
  return out
}

t.test('the admin routes and openapi.yaml agree on routes, path parameters, query parameters and bodies', async (t) => {
  const { app } = await buildTestApp(t)
  const routes = app.registeredRoutes.filter((r) => r.url.startsWith(ADMIN) && r.method !== 'HEAD')
  t.ok(routes.length >= 45, `the admin API has its routes (${routes.length})`)
  t.same(disagreements(routes), [])
})

t.test('the comparison sees each kind of disagreement', async (t) => {
  const { app } = await buildTestApp(t)
  const real = app.registeredRoutes.filter((r) => r.url.startsWith(ADMIN) && r.method !== 'HEAD')
  const find = (method: string, url: string): RegisteredRoute => {
    const route = real.find((r) => r.method === method && r.url === `${ADMIN}${url}`)
    if (route === undefined) throw new Error(`no route ${method} ${url}`)
    return route
  }
  const paramsOf = (route: RegisteredRoute): ZodType => (route.schema as { params: ZodType }).params
  const tokens = find('POST', '/tenants/:tenantId/scim-tokens')
  const people = find('GET', '/tenants/:tenantId/people')
  const person = find('GET', '/tenants/:tenantId/people/:userId')
  const planted: RegisteredRoute[] = [
    ...real.filter((r) => ![tokens, people, person].includes(r)),
    { method: 'GET', url: `${ADMIN}/tenants/:tenantId/nowhere`, schema: undefined },
    { method: 'POST', url: tokens.url, schema: { params: paramsOf(tokens), body: z.object({ name: z.string() }) } },
    {
      method: 'GET', url: people.url, schema: { params: paramsOf(people), querystring: z.object({ limit: z.string() }) }
    },
    { method: 'GET', url: person.url, schema: { params: z.object({ tenantId: z.string() }) } }
  ]
  const byText = (a: string, b: string): number => a.localeCompare(b)
  t.same(disagreements(planted).sort(byText), [
    `GET ${ADMIN}/tenants/{tenantId}/nowhere: registered but not in openapi.yaml`,
    `POST ${ADMIN}/tenants/{tenantId}/scim-tokens: body field label is not read by the code`,
    `POST ${ADMIN}/tenants/{tenantId}/scim-tokens: body field name is not documented`,
    `POST ${ADMIN}/tenants/{tenantId}/scim-tokens: body field label is required in the document, optional in the code`,
    `POST ${ADMIN}/tenants/{tenantId}/scim-tokens: body field name is required by the code, optional in the document`,
    `GET ${ADMIN}/tenants/{tenantId}/people: query offset is not read by the code`,
    `GET ${ADMIN}/tenants/{tenantId}/people: query state is not read by the code`,
    `GET ${ADMIN}/tenants/{tenantId}/people: query limit is required by the code, optional in the document`,
    `GET ${ADMIN}/tenants/{tenantId}/people/{userId}: ` +
      'path parameters tenantId, userId in the document, tenantId in the code'
  ].sort(byText))
})
