import { sql, type Kysely } from 'kysely'
import type { SecretBox } from '../../src/crypto/secret-box.js'
import type { DB } from '../../src/db/schema.js'
import type { ReconcileQueue } from '../../src/provisioning/jobs/queue.js'
import { saveMetaSettings } from '../../src/tenants/meta-settings.js'
import { insertTenant } from '../../src/tenants/tenants-repository.js'

/**
 * The fan-out's starting point, shared by the bench (lib/fanout.ts) and its small test
 * (test/provisioning/jobs/fanout-admission.test.ts): a tenant connected to a simulated
 * business with the default role for everyone, `users` new users entitled by it, and one
 * reconcile job each. Answers the tenant's id.
 */
export async function seedFanoutTenant (db: Kysely<DB>, deps: {
  box: SecretBox
  queue: Pick<ReconcileQueue, 'enqueueTenant'>
  business: { id: string, token: string }
  users: number
  name: string
  reason: string
}): Promise<string> {
  const tenant = await insertTenant(db, deps.name)
  await db.transaction().execute(async (trx) => {
    await saveMetaSettings(trx, deps.box, tenant.id, {
      businessId: deps.business.id,
      accessToken: deps.business.token,
      appSecret: null,
      identityMode: 'facebook_profiles',
      inviteType: 'FB',
      defaultRole: 'EMPLOYEE',
      dryRun: false
    }, 'admin')
  })
  await sql`
    insert into users (tenant_id, user_name, external_id, active, display_name, data)
    select ${tenant.id}::uuid, 'fan' || i || '@fanout.example', 'fan-' || i, true, 'Fan ' || i,
      jsonb_build_object('userName', 'fan' || i || '@fanout.example', 'active', true, 'displayName', 'Fan ' || i,
        'emails', jsonb_build_array(jsonb_build_object('value', 'fan' || i || '@fanout.example', 'type', 'work', 'primary', true)))
    from generate_series(1, ${deps.users}::int) as i`.execute(db)
  await db.transaction().execute(async (trx) => { await deps.queue.enqueueTenant(trx, tenant.id, deps.reason) })
  return tenant.id
}
