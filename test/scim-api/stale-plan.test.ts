import { sql } from 'kysely'
import t from 'tap'
import { scimTestApp } from './helpers.js'

// A rolling upgrade: another replica's migration adds a column to users while this process holds
// prepared plans of `select users.*` (src/db/statement-cache.ts). Inside a write transaction the
// statement cannot be retried, so the IdP is asked to (503 + Retry-After), never answered 500,
// and nothing of the failed attempt is stored.
t.test('a schema change under a prepared write answers 503 Retry-After, then works', async (t) => {
  const { send, db, database } = await scimTestApp(t)
  const created = await send('POST', '/scim/v2/Users', { userName: 'ada@example.com', displayName: 'Ada' })
  const url = `/scim/v2/Users/${created.body.id as string}`
  const rename = async (name: string) => send('PATCH', url, { Operations: [{ op: 'replace', path: 'displayName', value: name }] })
  for (let i = 0; i < 3; i++) t.equal((await rename(`warm ${i}`)).status, 200, 'prepared by now')
  await sql`alter table users add column upgrade_probe int`.execute(db)
  const statuses: number[] = []
  for (let i = 0; i < 12; i++) {
    const answer = await rename(`after ${i}`)
    statuses.push(answer.status)
    if (answer.status === 503) {
      t.equal(answer.headers['retry-after'], '1')
      t.match(answer.body, { status: '503', detail: /schema changed/ })
    }
  }
  t.notOk(statuses.includes(500), `never a 500 (${statuses.join(',')})`)
  t.equal(statuses.at(-1), 200, 'the retry succeeds')
  // Each prepared text that reads user rows is refused once (the PATCH has two: the locking read
  // and the update's RETURNING), then runs unprepared.
  if (database.engine === 'pglite') t.same(statuses.slice(0, 3), [503, 503, 200], 'one connection: one refusal per prepared text')
  const stored = await send('GET', url)
  t.equal(stored.body.displayName, 'after 11', 'the last accepted write is what is stored')
})
