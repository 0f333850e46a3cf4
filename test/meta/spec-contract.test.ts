import t from 'tap'
import type { MetaClient } from '../../src/meta/client.js'
import {
  ASSET_EDGES, ASSET_TASKS, ASSET_TYPES, BUSINESS_ROLES, INVITED_USER_TYPES, type AssetType
} from '../../src/meta/vocabulary/enums.js'
import * as F from '../../src/meta/vocabulary/fields.js'
import type { CallRecord } from '../../src/simulator/graph/call-log.js'
import { importDirectory } from '../../src/sync/import-directory.js'
import { setup } from './helpers/harness.js'
import { apiOf, enumOf, fieldsOf, isListType, NODES } from './helpers/meta-spec.js'

// The spec is the contract (docs/meta-graph-api.md §0): every request the client sends, as the
// simulator received it, is checked against Meta's spec files: the (node, edge, method) exists,
// every parameter exists on that edge and required ones are there, every enum value is in its
// enum, every `fields` name is a field of the node type returned. Every method of the client
// must be exercised below, so a new call cannot be added without passing this test.

/** Graph node type of each asset type (its spec file). */
const ASSET_NODE: Record<AssetType, string> = {
  ad_account: 'AdAccount',
  page: 'Page',
  pixel: 'AdsPixel',
  product_catalog: 'ProductCatalog',
  instagram_account: 'InstagramBusinessAsset',
  whatsapp_business_account: 'WhatsAppBusinessAccount'
}

/** Field selection and paging, which Graph takes on every read (docs §1.4, §1.5). */
const GENERAL_PARAMS = new Set(['fields', 'limit', 'after', 'before', 'summary'])

/** Fields an edge's reference page documents on the rows it lists (docs §2.3, §2.4). */
const EDGE_FIELDS: Record<string, readonly string[]> = {
  assigned_users: ['tasks', 'permitted_tasks'],
  agencies: [
    'adaccount_permissions', 'application_permissions', 'page_permissions', 'productcatalog_permissions',
    'shared_ca_count'
  ]
}

/**
 * Root endpoints Meta documents outside the node specs, with the parameters they take: the
 * token check `meta doctor` makes (Graph API reference "Debug Token").
 */
const DOCUMENTED_ROOT: Record<string, readonly string[]> = { 'GET debug_token': ['input_token'] }

/** Parameters documented beyond the spec: page grants fail without `business` (docs §2.3). */
const EXTRA_PARAMS: Record<string, readonly string[]> = { 'POST assigned_users': ['business'] }

const SAMPLE_TASKS: { [T in AssetType]: Array<typeof ASSET_TASKS[T][number]> } = {
  ad_account: ['ADVERTISE', 'ANALYZE'],
  page: ['CREATE_CONTENT', 'MODERATE'],
  pixel: ['ANALYZE', 'UPLOAD'],
  product_catalog: ['MANAGE'],
  instagram_account: ['CONTENT', 'MESSAGES'],
  whatsapp_business_account: ['MANAGE_TEMPLATES', 'VIEW_COST']
}

/** What a parameter's values are, as the simulator received them (JSON body or form/query text). */
function valuesOf (raw: unknown, listType: boolean): unknown[] {
  if (Array.isArray(raw)) return raw
  if (listType && typeof raw === 'string' && raw.startsWith('[')) return JSON.parse(raw) as unknown[]
  return [raw]
}

/** Everything wrong with one recorded request, judged by the spec files alone. */
function problemsOf (call: CallRecord, nodeOf: (id: string) => string | undefined): string[] {
  const where = `${call.method} ${call.path}`
  const [, , id = '', edge = null, ...rest] = call.path.split('/')
  if (rest.length > 0) return [`${where}: deeper path than node/edge`]
  const root = edge === null ? DOCUMENTED_ROOT[`${call.method} ${id}`] : undefined
  if (root !== undefined) {
    return Object.keys(call.params).filter((name) => !root.includes(name)).map((name) => `${where}: param ${name} is not documented`)
  }
  const node = nodeOf(id)
  if (node === undefined) return [`${where}: unknown object ${id}`]
  const api = apiOf(node, edge, call.method)
  if (api === undefined) return [`${where}: ${node} has no ${call.method} ${edge ?? '(node)'} in the spec`]
  const problems: string[] = []
  if (call.status !== 200) problems.push(`${where}: answered ${call.status} (code ${String(call.errorCode)})`)
  if (call.method === 'POST' && call.bodyEncoding !== (call.inBatch ? 'form' : 'json')) {
    problems.push(`${where}: body sent as ${call.bodyEncoding}`)
  }
  const specParams = new Map((api.params ?? []).map(p => [p.name, p]))
  const extra = EXTRA_PARAMS[`${call.method} ${edge ?? ''}`] ?? []
  for (const [name, raw] of Object.entries(call.params)) {
    if (name === 'fields') {
      const returned = edge === null ? node : api.return ?? node
      const known = new Set([...fieldsOf(returned), ...(edge === null ? [] : EDGE_FIELDS[edge] ?? [])])
      for (const f of String(raw).split(',')) {
        if (!known.has(f)) problems.push(`${where}: ${returned} has no field ${f}`)
      }
      continue
    }
    if (GENERAL_PARAMS.has(name) && call.method === 'GET') continue
    const param = specParams.get(name)
    if (param === undefined) {
      if (!extra.includes(name)) problems.push(`${where}: param ${name} is not in the spec`)
      continue
    }
    const values = valuesOf(raw, isListType(param.type))
    const allowed = enumOf(param.type)
    for (const v of values) {
      const value = String(v)
      if (allowed !== undefined && !allowed.includes(value)) {
        problems.push(`${where}: ${name}=${value} is not in ${param.type}`)
      }
      const isInt = /^(list<)?(unsigned )?int>?$/.test(param.type)
      if (isInt && !/^\d+$/.test(value)) problems.push(`${where}: ${name}=${value} is not an int`)
    }
  }
  for (const p of specParams.values()) {
    if (p.required === true && !(p.name in call.params)) problems.push(`${where}: required param ${p.name} missing`)
  }
  return problems
}

/** Wraps an object so every method called on it is noted by name. */
function noting<T extends object> (target: T, seen: Set<string>, prefix = ''): T {
  return new Proxy(target, {
    get (obj, key, receiver) {
      const value: unknown = Reflect.get(obj, key, receiver)
      if (typeof value === 'function' && typeof key === 'string') {
        return (...args: unknown[]) => {
          seen.add(prefix + key)
          return (value as (...a: unknown[]) => unknown).apply(obj, args)
        }
      }
      return value
    }
  })
}

function methodNames (o: object, prefix = ''): string[] {
  return Object.entries(o).filter(([, v]) => typeof v === 'function').map(([k]) => prefix + k)
}

t.test('every request the client sends is in Meta\'s spec', async t => {
  const { client: raw, sim, businessId, seeded } = await setup(t)
  const seen = new Set<string>()
  const client: MetaClient = { ...noting(raw, seen), operations: noting(raw.operations, seen, 'operations.') }
  const nodes = new Map<string, string>([[businessId, 'Business'], [seeded.systemUser.id, 'SystemUser']])
  for (const a of seeded.admins) nodes.set(a.id, 'BusinessUser')
  const member = sim.addMember(businessId, { email: 'member@corp.example' })
  const leaver = sim.addMember(businessId, { email: 'leaver@corp.example' })
  nodes.set(member.id, 'BusinessUser').set(leaver.id, 'BusinessUser')
  const partner = sim.addPartner(businessId, { kind: 'client', name: 'Client Co' })
  sim.addPartner(businessId, { kind: 'agency', name: 'Agency Co' })
  const assets = ASSET_TYPES.map(type => {
    const owned = sim.addAsset(businessId, { type, name: `own ${type}` })
    const shared = sim.addAsset(partner.id, { type, name: `shared ${type}`, sharedWith: [businessId] })
    nodes.set(owned.id, ASSET_NODE[type]).set(shared.id, ASSET_NODE[type])
    return { type, id: owned.id }
  })

  // The connection check (docs §7): the token and the business node.
  await client.debugToken()
  await client.getBusiness()

  // People (docs §2.1).
  await client.listBusinessUsers()
  await client.getBusinessUser(member.id)
  const invited = await client.inviteUser({ email: 'new@corp.example', role: 'EMPLOYEE' })
  const managed = await client.inviteUser({
    email: 'mwa@corp.example', role: 'ADMIN', invitedUserType: 'MWA', tasks: ['ADMIN']
  })
  nodes.set(invited.id, 'BusinessRoleRequest').set(managed.id, 'BusinessRoleRequest')
  await client.listPendingUsers()
  await client.listPendingUsers({ email: 'new@corp.example' })
  await client.getPendingUser(invited.id)
  await client.updatePendingUser(invited.id, { role: 'ADMIN' })
  await client.cancelPendingUser(managed.id)
  await client.updateBusinessUserRole(member.id, { role: 'ADMIN', tasks: ['ADMIN'] })
  await client.removeBusinessUser(leaver.id)
  await client.listSystemUsers()
  await client.listAgencies()
  await client.listClients()

  // Assets and the people on them (docs §2.2, §2.3), one by one and batched (§1.6).
  for (const asset of assets) {
    await client.listAssets(asset.type)
    await client.listAssets(asset.type, { relation: 'client' })
    await client.assignUser(asset, member.id, SAMPLE_TASKS[asset.type])
    await client.getAssignedUsers(asset)
    if (asset.type === 'pixel') {
      const refused = await client.unassignUser(asset, member.id).catch((e: unknown) => e)
      t.match(refused, { source: 'unsupported' }, 'never sent')
      t.throws(() => client.operations.unassignUser(asset, member.id))
    } else {
      await client.unassignUser(asset, member.id)
    }
  }
  const batchable = assets.filter(a => a.type !== 'instagram_account')
  await client.batch(batchable.map(a => client.operations.assignUser(a, member.id, SAMPLE_TASKS[a.type])))
  await client.batch(assets.map(a => client.operations.getAssignedUsers(a, { limit: 10 })))
  await client.batch(batchable.filter(a => a.type !== 'pixel').map(a => client.operations.unassignUser(a, member.id)))

  // The sync's import reads through the same client (docs §9).
  await importDirectory(client, async () => {}, () => new Date(sim.now()), 2)

  const expected = [...methodNames(raw), ...methodNames(raw.operations, 'operations.')].sort()
  t.same([...seen].sort(), expected, 'every method of the client was exercised against the spec')

  const calls = sim.calls.list().filter(c => c.route !== 'batch')
  t.ok(calls.length > 60, `${calls.length} requests checked`)
  t.same(calls.flatMap(c => problemsOf(c, id => nodes.get(id))), [], 'no request outside the spec')
  t.ok(calls.some(c => c.inBatch), 'batched operations are checked one by one')
})

t.test('what the client may send is in the spec\'s enums, and its fields lists name spec fields', async t => {
  const roleParams: Array<[string, string | null, string, string]> = [
    ['Business', 'business_users', 'POST', 'role'],
    ['Business', 'business_users', 'POST', 'tasks'],
    ['BusinessUser', null, 'POST', 'role'],
    ['BusinessUser', null, 'POST', 'tasks'],
    ['BusinessRoleRequest', null, 'POST', 'role'],
    ['BusinessRoleRequest', null, 'POST', 'tasks']
  ]
  for (const [node, edge, method, name] of roleParams) {
    const type = apiOf(node, edge, method)?.params?.find(p => p.name === name)?.type ?? ''
    t.same(BUSINESS_ROLES.filter(r => enumOf(type)?.includes(r) !== true), [], `${node} ${method} ${name}: every role`)
  }
  const typeParam = apiOf('Business', 'business_users', 'POST')?.params
    ?.find(p => p.name === 'invited_user_type')?.type ?? ''
  t.same(INVITED_USER_TYPES.filter(v => enumOf(typeParam)?.includes(v) !== true), [])
  for (const type of ASSET_TYPES) {
    const node = ASSET_NODE[type]
    const tasksType = apiOf(node, 'assigned_users', 'POST')?.params?.find(p => p.name === 'tasks')?.type ?? ''
    const outside = ASSET_TASKS[type].filter(v => enumOf(tasksType)?.includes(v) !== true)
    t.same(outside, [], `${type}: every task we may send`)
    for (const relation of ['owned', 'client'] as const) {
      t.equal(apiOf('Business', ASSET_EDGES[type][relation], 'GET')?.return, node, `${relation} ${type} lists ${node}`)
    }
    t.same(F.ASSET_FIELDS[type].filter(f => !fieldsOf(node).has(f)), [], `${type} fields`)
  }
  const lists: Array<[string, readonly string[], readonly string[]]> = [
    ['BusinessUser', F.BUSINESS_USER_FIELDS, []],
    ['BusinessRoleRequest', F.PENDING_USER_FIELDS, []],
    ['SystemUser', F.SYSTEM_USER_FIELDS, []],
    ['Business', F.CLIENT_FIELDS, []],
    ['Business', F.AGENCY_FIELDS, EDGE_FIELDS.agencies ?? []],
    ['AssignedUser', F.ASSIGNED_USER_FIELDS, EDGE_FIELDS.assigned_users ?? []]
  ]
  for (const [node, fields, edgeFields] of lists) {
    t.same(fields.filter(f => !fieldsOf(node).has(f) && !edgeFields.includes(f)), [], `${node} fields`)
  }
  t.ok(NODES.size >= 11, 'the spec files are there')
})

t.test('the checker itself refuses what the spec does not allow', async t => {
  const base: CallRecord = {
    seq: 1,
    at: 0,
    method: 'GET',
    path: '/v26.0/1/owned_instagram_assets',
    route: 'assets.list',
    status: 200,
    errorCode: null,
    traceId: null,
    bucket: null,
    blocked: false,
    inBatch: false,
    proof: 'none',
    tokenVia: 'header',
    params: {},
    bodyEncoding: 'none'
  }
  const NODE_OF: Record<string, string> = { 1: 'Business', 2: 'InstagramBusinessAsset', 3: 'AdsPixel' }
  const check = (over: Partial<CallRecord>): string[] => problemsOf({ ...base, ...over }, id => NODE_OF[id])
  t.match(check({ params: { fields: 'id,username' } }), [/InstagramBusinessAsset has no field username/])
  t.match(check({ method: 'DELETE', path: '/v26.0/3/assigned_users', params: { user: '5' } }),
    [/AdsPixel has no DELETE/])
  const formGrant = { user: '5', tasks: '["FULL_CONTROL"]' }
  t.match(check({ method: 'POST', path: '/v26.0/2/assigned_users', params: formGrant, bodyEncoding: 'form' }),
    [/body sent as form/, /tasks=FULL_CONTROL is not in/])
  t.match(check({ method: 'DELETE', path: '/v26.0/2/assigned_users', params: { user: '5', business: '1' } }),
    [/param business is not in the spec/])
  t.match(check({ method: 'POST', path: '/v26.0/1/business_users', params: { role: 'OWNER' }, bodyEncoding: 'json' }),
    [/role=OWNER is not in/, /required param email missing/])
})
