import t, { type Test } from 'tap'
import type { DeepPartial, SimulatorSettings } from '../../src/simulator/settings.js'
import { graph, startSimulator } from '../meta/helpers/harness.js'

const V = 'v26.0'

async function world (t: Test, settings: DeepPartial<SimulatorSettings> = {}, members = 10) {
  const { sim, url } = await startSimulator(t, { settings })
  const s = sim.seedBusiness()
  const b = s.business.id
  for (let i = 0; i < members; i++) sim.addMember(b, { email: `u${i}@corp.example` })
  const list = async (params: Record<string, string> = {}, token: string | null = s.token) =>
    (await graph(url, token, 'GET', `${V}/${b}/business_users`, params)).body
  return { sim, url, s, b, list }
}

t.test('limit, cursors, next and previous links, summary', async t => {
  const w = await world(t)
  const first = await w.list({ limit: '4', summary: 'total_count', fields: 'id,email' })
  t.equal(first.data.length, 4)
  t.same(first.summary, { total_count: 11 })
  t.type(first.paging.cursors.after, 'string')
  t.notOk('previous' in first.paging, 'no previous on the first page')
  const next = new URL(first.paging.next)
  t.equal(next.origin, w.url)
  t.equal(next.pathname, `/${V}/${w.b}/business_users`)
  t.equal(next.searchParams.get('fields'), 'id,email')
  t.equal(next.searchParams.get('after'), first.paging.cursors.after)
  t.notOk(next.searchParams.has('access_token'), 'no token in links when the token came in a header')

  const second = await w.list({ limit: '4', after: first.paging.cursors.after })
  t.equal(second.data.length, 4)
  t.notOk(second.data.some((u: { id: string }) => first.data.some((f: { id: string }) => f.id === u.id)))
  const back = await w.list({ limit: '4', before: second.paging.cursors.before })
  t.same(back.data.map((u: { id: string }) => u.id), first.data.map((u: { id: string }) => u.id), 'before goes back a page')

  const last = await w.list({ limit: '4', after: second.paging.cursors.after })
  t.equal(last.data.length, 3)
  t.notOk('next' in last.paging, 'no next on the last page')
  t.type(last.paging.previous, 'string')
})

t.test('the token goes into next links only when it came as a parameter', async t => {
  const w = await world(t)
  const page = await w.list({ limit: '2', access_token: w.s.token }, null)
  t.equal(new URL(page.paging.next).searchParams.get('access_token'), w.s.token)
})

t.test('limit is capped by maxLimit and defaults to defaultLimit', async t => {
  const w = await world(t, { paging: { defaultLimit: 3, maxLimit: 5 } })
  t.equal((await w.list()).data.length, 3)
  t.equal((await w.list({ limit: '100' })).data.length, 5)
})

t.test('cursors are tied to their edge and to their item', async t => {
  const w = await world(t)
  const page = await w.list({ limit: '3' })
  const elsewhere = await graph(w.url, w.s.token, 'GET', `${V}/${w.b}/pending_users`, { after: page.paging.cursors.after })
  t.match(elsewhere.body.error, { code: 100, message: /cursor is invalid/ })
  t.match((await w.list({ after: 'garbage' })).error, { code: 100 })
  const lastId = page.data[2].id
  w.sim.store.members.delete(lastId)
  t.match((await w.list({ limit: '3', after: page.paging.cursors.after })).error, { code: 100, message: /no longer exists/ })
  w.sim.updateSettings({ paging: { cursorInvalidatedByDelete: false } })
  const resumed = await w.list({ limit: '3', after: page.paging.cursors.after })
  const seen = new Set(page.data.map((u: { id: string }) => u.id))
  t.equal(resumed.data.length, 3)
  t.notOk(resumed.data.some((u: { id: string }) => seen.has(u.id)), 'resumes after the deleted item without repeats')
})

t.test('deep paging fails past maxAfterOffset', async t => {
  const w = await world(t, { paging: { maxAfterOffset: 4 } })
  const p1 = await w.list({ limit: '3' })
  const p2 = await w.list({ limit: '3', after: p1.paging.cursors.after })
  t.equal(p2.data.length, 3)
  t.match((await w.list({ limit: '3', after: p2.paging.cursors.after })).error, { code: 100, message: /exceeds the max limit/ })
})

t.test('empty pages while more remain (setting)', async t => {
  const w = await world(t, { paging: { emptyPageEvery: 2 } })
  const ids: string[] = []
  let after: string | undefined
  let pages = 0
  let empty = 0
  for (;;) {
    const page = await w.list({ limit: '4', ...(after === undefined ? {} : { after }) })
    pages++
    if (page.data.length === 0) empty++
    ids.push(...page.data.map((u: { id: string }) => u.id))
    if (page.paging?.next === undefined) break
    after = page.paging.cursors.after
  }
  t.equal(ids.length, 11)
  t.equal(new Set(ids).size, 11)
  t.ok(empty >= 1, 'at least one empty page carried a next link')
  t.equal(pages, 3 + empty)
})
