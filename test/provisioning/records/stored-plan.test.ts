// The plan a reconcile stores in meta_people.last_plan comes back typed, or as null when the
// jsonb is not a plan this code wrote.
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { findPerson, savePerson } from '../../../src/provisioning/records/people-repository.js'
import { readStoredPlan, storedPlanOf } from '../../../src/provisioning/records/stored-plan.js'
import { insertTenant } from '../../../src/tenants/tenants-repository.js'
import { createTestDatabase } from '../../helpers/database.js'

const { db } = await createTestDatabase(t)
const tenant = await insertTenant(db, 'stored-plan')

const plan = storedPlanOf({
  steps: [
    { kind: 'invite', email: 'ada@example.com', role: 'EMPLOYEE', inviteType: 'FB' },
    { kind: 'manual', action: 'unassign', businessUserId: 'b1', assetType: 'pixel', assetId: 'p1', instruction: 'hand' }
  ],
  waitingAssets: [{ assetType: 'ad_account', assetId: 'act_1', tasks: ['ANALYZE'] }]
}, { role: 'EMPLOYEE', assets: [], why: 'rule Marketing' })

t.test('a saved plan reads back with its steps, waiting assets, role and why', async (t) => {
  const userId = randomUUID()
  await savePerson(db, tenant.id, userId, { email: 'ada@example.com', lastPlan: plan }, 0)
  const person = await findPerson(db, tenant.id, userId)
  t.same(person?.lastPlan, plan)
  t.equal(person?.lastPlan?.steps[1]?.kind, 'manual')
})

t.test('jsonb that is not a stored plan reads back as null', async (t) => {
  const userId = randomUUID()
  await savePerson(db, tenant.id, userId, { email: 'bob@example.com' }, 0)
  const odd = { steps: [{ kind: 'teleport' }], waitingAssets: [], role: null, why: 'x' }
  await sql`update meta_people set last_plan = ${JSON.stringify(odd)}::jsonb
    where tenant_id = ${tenant.id} and user_id = ${userId}`.execute(db)
  t.equal((await findPerson(db, tenant.id, userId))?.lastPlan, null)
  t.equal(readStoredPlan(null), null)
  t.equal(readStoredPlan({ steps: 'invite' }), null)
  t.equal(readStoredPlan({ ...plan, role: 'OWNER_OF_EVERYTHING' }), null)
  t.same(readStoredPlan({ ...plan, steps: [] }), { ...plan, steps: [] })
})
