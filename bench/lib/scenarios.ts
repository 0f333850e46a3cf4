import type { ScenarioName } from './args.js'
import type { ServerKind } from './child.js'
import { userId, userName, type Dataset } from './dataset.js'
import type { LoadSpec } from './load.js'

const SCIM = 'application/scim+json'
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp'

/** A fast deterministic PRNG so runs are repeatable (mulberry32). */
export function rng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface LoadScenario {
  name: ScenarioName
  title: string
  server: ServerKind
  /** Diagnostics run at 16 connections only (when 16 is among the run's counts). */
  diagnostic?: boolean
  spec: (baseUrl: string) => LoadSpec
}

/** A random seeded user, 1..n. */
const pick = (random: () => number, n: number): number => 1 + Math.floor(random() * n)

export function loadScenarios (dataset: Dataset, runTag: string): LoadScenario[] {
  const n = dataset.users
  const auth = { authorization: `Bearer ${dataset.token}` }
  const json = { ...auth, 'content-type': SCIM }
  const random = rng(42)
  // Users in no group: the ones the group PATCHes add and remove.
  const firstOutside = dataset.bigGroupMembers + dataset.smallGroupMembers + 1
  const outsideCount = Math.max(1, n - firstOutside + 1)
  const newUser = (prefix: string, i: number): string => JSON.stringify({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: `${prefix}-${runTag}-${i}@bench.example`,
    name: { givenName: 'New', familyName: `User${i}` },
    emails: [{ primary: true, value: `${prefix}-${runTag}-${i}@bench.example`, type: 'work' }],
    displayName: `New User${i}`,
    externalId: `${prefix}-${runTag}-${i}`,
    active: true
  })
  const memberPatch = (group: string) => (k: number): { path: string, body: string } => {
    // Even requests add a user outside every group, odd ones remove it again: one member changes.
    const member = userId(firstOutside + (Math.floor(k / 2) % outsideCount))
    const op = k % 2 === 0
      ? { op: 'add', path: 'members', value: [{ value: member }] }
      : { op: 'remove', path: `members[value eq "${member}"]` }
    return { path: `/scim/v2/Groups/${group}`, body: JSON.stringify({ schemas: [PATCH_OP], Operations: [op] }) }
  }
  return [
    {
      name: 'floor-read',
      title: 'Floor: bare Fastify, one indexed select of users by lower(user_name)',
      server: 'floor',
      spec: (baseUrl) => ({ baseUrl, method: 'GET', next: () => ({ path: `/floor/read?userName=${encodeURIComponent(userName(pick(random, n)))}` }) })
    },
    {
      name: 'floor-read-app-sql',
      title: 'Diagnostic: bare Fastify sending the 4 statements the app issued for a userName filter before the fix (count, page, groups, Meta state)',
      server: 'floor',
      diagnostic: true,
      spec: (baseUrl) => ({ baseUrl, method: 'GET', next: () => ({ path: `/floor/read-app-sql?userName=${encodeURIComponent(userName(pick(random, n)))}` }) })
    },
    {
      name: 'floor-read-combined',
      title: 'Diagnostic: bare Fastify, the same answer in one unprepared statement (count over (), groups and Meta state as subqueries)',
      server: 'floor',
      diagnostic: true,
      spec: (baseUrl) => ({ baseUrl, method: 'GET', next: () => ({ path: `/floor/read-combined?userName=${encodeURIComponent(userName(pick(random, n)))}` }) })
    },
    {
      name: 'floor-write',
      title: 'Floor: bare Fastify, insert a user row and a job row in one transaction',
      server: 'floor',
      spec: (baseUrl) => ({
        baseUrl,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        next: (k) => ({ path: '/floor/write', body: JSON.stringify({ userName: `floor-${runTag}-${k}@bench.example` }) })
      })
    },
    {
      name: 'filter',
      title: 'GET /Users?filter=userName eq "…" (random existing users)',
      server: 'app',
      spec: (baseUrl) => ({
        baseUrl,
        method: 'GET',
        headers: auth,
        next: () => ({ path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName(pick(random, n))}"`)}` })
      })
    },
    {
      name: 'filter-log-off',
      title: 'GET /Users?filter=userName eq "…" with the SCIM request log off (compare with filter)',
      server: 'log-off',
      spec: (baseUrl) => ({
        baseUrl,
        method: 'GET',
        headers: auth,
        next: () => ({ path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName(pick(random, n))}"`)}` })
      })
    },
    {
      name: 'get',
      title: 'GET /Users/{id} (random existing users)',
      server: 'app',
      spec: (baseUrl) => ({ baseUrl, method: 'GET', headers: auth, next: () => ({ path: `/scim/v2/Users/${userId(pick(random, n))}` }) })
    },
    {
      name: 'list-deep',
      title: 'GET /Users?startIndex=…&count=100, startIndex random in the last 10 % of the set',
      server: 'app',
      spec: (baseUrl) => ({
        baseUrl,
        method: 'GET',
        headers: auth,
        next: () => ({ path: `/scim/v2/Users?startIndex=${Math.floor(n * 0.9) + Math.floor(random() * (n * 0.1 - 100))}&count=100` })
      })
    },
    {
      name: 'post',
      title: 'POST /Users without a job (buildApp with the noop sink, for comparison)',
      server: 'plain',
      spec: (baseUrl) => ({ baseUrl, method: 'POST', headers: json, next: (k) => ({ path: '/scim/v2/Users', body: newUser('post', k) }) })
    },
    {
      name: 'patch-user',
      title: 'PATCH /Users/{id} replace displayName (random users)',
      server: 'app',
      spec: (baseUrl) => ({
        baseUrl,
        method: 'PATCH',
        headers: json,
        next: (k) => ({
          path: `/scim/v2/Users/${userId(pick(random, n))}`,
          body: JSON.stringify({ schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: `Renamed ${k}` }] })
        })
      })
    },
    {
      name: 'patch-group-big',
      title: `PATCH /Groups/{id} add/remove one member, group of ${dataset.bigGroupMembers.toLocaleString('en-US')} members`,
      server: 'app',
      spec: (baseUrl) => ({ baseUrl, method: 'PATCH', headers: json, next: memberPatch(dataset.bigGroupId) })
    },
    {
      name: 'patch-group-small',
      title: `PATCH /Groups/{id} add/remove one member, group of ${dataset.smallGroupMembers} members`,
      server: 'app',
      spec: (baseUrl) => ({ baseUrl, method: 'PATCH', headers: json, next: memberPatch(dataset.smallGroupId) })
    },
    {
      name: 'post-with-job',
      title: 'POST /Users with its reconcile job (the provisioning engine\'s AccessChangeSink)',
      server: 'app',
      spec: (baseUrl) => ({ baseUrl, method: 'POST', headers: json, next: (k) => ({ path: '/scim/v2/Users', body: newUser('job', k) }) })
    },
    {
      name: 'post-with-job-log-off',
      title: 'POST /Users with its reconcile job, SCIM request log off (compare with post-with-job)',
      server: 'log-off',
      spec: (baseUrl) => ({ baseUrl, method: 'POST', headers: json, next: (k) => ({ path: '/scim/v2/Users', body: newUser('job-off', k) }) })
    }
  ]
}
