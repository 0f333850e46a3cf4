import http from 'node:http'
import type { ServerChild } from './child.js'
import type { Dataset } from './dataset.js'

const SCIM = 'application/scim+json'

export interface ImportResult {
  users: number
  concurrency: number
  groups: number
  membersPerGroup: number
  batch: number
  userPhaseSeconds: number
  groupPhaseSeconds: number
  totalSeconds: number
  requests: number
  errors: number
  firstErrors: string[]
  usersPerSecond: number
}

interface Call { status: number, body: unknown }

/**
 * The IdP's client. Okta and Entra call from their own hosts; here the client shares the 2 cores
 * with the server and its database, so it should cost as little as it can: node:http with a
 * keep-alive agent, one socket per concurrent caller, spends a fraction of the CPU of `fetch`
 * (undici's WHATWG layer), which otherwise took a third of a core during the import.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })

async function call (baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<Call> {
  const payload = body === undefined ? undefined : JSON.stringify(body)
  const headers: http.OutgoingHttpHeaders = { authorization: `Bearer ${token}`, accept: SCIM }
  if (payload !== undefined) {
    headers['content-type'] = SCIM
    headers['content-length'] = Buffer.byteLength(payload)
  }
  return await new Promise<Call>((resolve, reject) => {
    const request = http.request(`${baseUrl}${path}`, { method, headers, agent }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => { chunks.push(chunk) })
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        resolve({ status: response.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) as unknown })
      })
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end(payload)
  })
}

async function pool<T> (items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const item = items[next++] as T
      await work(item)
    }
  }))
}

/**
 * An Okta-style initial import into an empty tenant: for each user, `GET /Users?filter=userName eq`
 * (Okta's existence check), then `POST /Users`; then group push: `POST /Groups` without members
 * and `PATCH` add members in batches, as Okta does.
 */
export async function oktaImport (server: ServerChild, dataset: Dataset, users: number, concurrency: number): Promise<ImportResult> {
  const token = dataset.importToken
  const groups = 20
  const batch = 100
  const ids: string[] = new Array<string>(users)
  let requests = 0
  let errors = 0
  const firstErrors: string[] = []
  const fail = (what: string, c: Call): void => {
    errors++
    if (firstErrors.length < 5) firstErrors.push(`${what}: ${c.status} ${JSON.stringify(c.body).slice(0, 160)}`)
  }
  const t0 = performance.now()
  await pool(Array.from({ length: users }, (_, i) => i), concurrency, async (i) => {
    const name = `okta.user${i}@import.example`
    const found = await call(server.url('app'), token, 'GET', `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${name}"`)}&startIndex=1&count=100`)
    requests++
    if (found.status !== 200 || (found.body as { totalResults?: number }).totalResults !== 0) { fail('filter', found); return }
    const created = await call(server.url('app'), token, 'POST', '/scim/v2/Users', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: name,
      name: { givenName: 'Okta', familyName: `User${i}` },
      emails: [{ primary: true, value: name, type: 'work' }],
      displayName: `Okta User${i}`,
      locale: 'en-US',
      externalId: `00u${i.toString(36).padStart(8, '0')}`,
      groups: [],
      active: true
    })
    requests++
    if (created.status !== 201) { fail('create', created); return }
    ids[i] = (created.body as { id: string }).id
  })
  const t1 = performance.now()
  const membersPerGroup = Math.floor(users / groups)
  await pool(Array.from({ length: groups }, (_, g) => g), Math.min(concurrency, groups), async (g) => {
    const created = await call(server.url('app'), token, 'POST', '/scim/v2/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `Okta Group ${g}`, members: []
    })
    requests++
    if (created.status !== 201) { fail('group create', created); return }
    const gid = (created.body as { id: string }).id
    const members = ids.slice(g * membersPerGroup, (g + 1) * membersPerGroup).filter((id): id is string => typeof id === 'string')
    for (let k = 0; k < members.length; k += batch) {
      const patched = await call(server.url('app'), token, 'PATCH', `/scim/v2/Groups/${gid}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'add', path: 'members', value: members.slice(k, k + batch).map((value) => ({ value })) }]
      })
      requests++
      if (patched.status !== 204 && patched.status !== 200) fail('group patch', patched)
    }
  })
  const t2 = performance.now()
  return {
    users,
    concurrency,
    groups,
    membersPerGroup,
    batch,
    userPhaseSeconds: (t1 - t0) / 1000,
    groupPhaseSeconds: (t2 - t1) / 1000,
    totalSeconds: (t2 - t0) / 1000,
    requests,
    errors,
    firstErrors,
    usersPerSecond: users / ((t1 - t0) / 1000)
  }
}

export interface MemoryResult {
  users: number
  usersPaged: number
  pages: number
  pageSize: number
  seconds: number
  baselineRssMb: number
  peakRssMb: number
  maxRssMb: number
  endRssMb: number
  errors: number
  slowestPageMs: number
  lastPageMs: number
}

/**
 * Pages through every user, one request at a time, with the largest page the server allows by
 * default (SCIM_MAX_PAGE_SIZE 1000: the worst case for memory), sampling the server's RSS; stops
 * after `timeLimitSeconds` (deep OFFSET pages grow slower towards the end, PGlite most).
 */
export async function pageThroughAll (server: ServerChild, dataset: Dataset, pageSize = 1000, timeLimitSeconds = 240): Promise<MemoryResult> {
  const before = await server.stats()
  await server.resetPeak()
  let errors = 0
  let pages = 0
  let slowest = 0
  let last = 0
  const t0 = performance.now()
  for (let start = 1; start <= dataset.users; start += pageSize) {
    if (performance.now() - t0 > timeLimitSeconds * 1000) break
    const p0 = performance.now()
    const page = await call(server.url('app'), dataset.token, 'GET', `/scim/v2/Users?startIndex=${start}&count=${pageSize}`)
    last = performance.now() - p0
    slowest = Math.max(slowest, last)
    pages++
    if (page.status !== 200 || ((page.body as { Resources?: unknown[] }).Resources?.length ?? 0) === 0) errors++
  }
  const seconds = (performance.now() - t0) / 1000
  const after = await server.stats()
  const mb = (b: number): number => b / 1024 / 1024
  return {
    users: dataset.users,
    usersPaged: Math.min(dataset.users, pages * pageSize),
    pages,
    pageSize,
    seconds,
    baselineRssMb: mb(before.rss),
    peakRssMb: mb(after.peakRss),
    maxRssMb: after.maxRssKb / 1024,
    endRssMb: mb(after.rss),
    errors,
    slowestPageMs: slowest,
    lastPageMs: last
  }
}
