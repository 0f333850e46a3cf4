import t from 'tap'
import { randomUUID } from 'node:crypto'
import {
  StaleRecordError, findPerson, savePerson, savePersonAudited
} from '../../../src/provisioning/records/people-repository.js'
import type { AuditEvent } from '../../../src/provisioning/records/audit-repository.js'
import { insertTenant } from '../../../src/tenants/tenants-repository.js'
import { createTestDatabase } from '../../helpers/database.js'

// After a step Meta accepted, the person's record and its audit event are one statement: both
// or neither.

t.test('the record and its audit event are written together, and neither over a stale version', async (t) => {
  const { db } = await createTestDatabase(t)
  const tenantId = (await insertTenant(db, 'acme')).id
  const userId = randomUUID()
  const event = (n: number): AuditEvent => ({
    tenantId,
    actor: 'provisioning',
    userId,
    email: 'ada@example.com',
    action: 'invite',
    reason: `run ${n}`,
    outcome: 'applied',
    detail: { jobId: `j${n}`, quote: 'a "b" \\ c' },
    metaTraceId: `trace-${n}`,
    errorCode: null,
    message: null
  })
  const audits = async () => await db.selectFrom('audit_events')
    .select(['reason', 'detail', 'meta_trace_id', 'error_code', 'user_id', 'action', 'outcome'])
    .where('tenant_id', '=', tenantId).orderBy('id').execute()

  const created = await savePersonAudited(db, tenantId, userId, { email: 'ada@example.com', state: 'invited' }, 0, event(1))
  t.equal(created.version, 1, 'a new record is created with its event')
  const saved = await savePersonAudited(db, tenantId, userId, { inviteId: 'inv-1', role: 'EMPLOYEE' }, created.version, event(2))
  t.equal(saved.version, 2)
  t.equal(saved.inviteId, 'inv-1')
  t.same(await audits(), [
    { reason: 'run 1', detail: { jobId: 'j1', quote: 'a "b" \\ c' }, meta_trace_id: 'trace-1', error_code: null, user_id: userId, action: 'invite', outcome: 'applied' },
    { reason: 'run 2', detail: { jobId: 'j2', quote: 'a "b" \\ c' }, meta_trace_id: 'trace-2', error_code: null, user_id: userId, action: 'invite', outcome: 'applied' }
  ])

  await t.rejects(savePersonAudited(db, tenantId, userId, { inviteId: 'inv-stale' }, created.version, event(3)), StaleRecordError)
  t.equal((await audits()).length, 2, 'no event for a write that did not happen')
  await t.rejects(savePersonAudited(db, tenantId, userId, { state: 'invited' }, 0, event(4)), StaleRecordError,
    'a record created by another writer meanwhile')
  t.equal((await audits()).length, 2, 'and no event for that either')
  t.equal((await findPerson(db, tenantId, userId))?.inviteId, 'inv-1', 'the record is untouched')

  const other = await savePerson(db, tenantId, randomUUID(), { state: 'none' }, 0)
  t.equal(other.version, 1, 'another person is independent')
})
