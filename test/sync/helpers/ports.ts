import { sql, type Kysely } from 'kysely'
import { BUSINESS_ROLES, type BusinessRole } from '../../../src/meta/index.js'
import type { DB } from '../../../src/db/schema.js'
import type { AssetAccess, DesiredAccess, MetaConnection, SyncPorts } from '../../../src/sync/ports.js'

/**
 * Real-database stand-ins for the provisioning engine's side of the sync (src/sync/ports.ts):
 * observed state, reconcile requests and removal requests go to tables of their own, written in
 * the sync's transaction, so tests see exactly what the engine would have been handed.
 */
export interface TestPortsControl {
  ports: SyncPorts
  /** Changed by tests: undefined = no Meta connection. */
  connection: MetaConnection | undefined
  /** Desired assets per lower-cased userName. */
  assets: Map<string, AssetAccess[]>
  /** While set, loadMetaConnection waits for it: a run stays "running" until a test releases it. */
  gate: Promise<void> | undefined
  /** Removal budget of the stand-in brake: removals past it come back as held. */
  removalBudget: number
}

export async function createPortTables (db: Kysely<DB>): Promise<void> {
  await sql`create table if not exists test_observed (tenant_id uuid, user_id uuid, run_id uuid, state text, business_user_id text, role_request_id text, role text, work_account boolean, assets jsonb, primary key (tenant_id, user_id))`.execute(db)
  await sql`create table if not exists test_reconciles (tenant_id uuid, user_id uuid, run_id uuid)`.execute(db)
  await sql`create table if not exists test_removals (tenant_id uuid, kind text, meta_id text, email text, run_id uuid, held boolean)`.execute(db)
}

const isRole = (v: unknown): v is BusinessRole => typeof v === 'string' && (BUSINESS_ROLES as readonly string[]).includes(v)

/** Desired role: the SCIM `roles` value when it names a Meta role (docs/architecture.md), for active users only. */
async function desiredFromUsers (db: Kysely<DB>, tenantId: string, assets: Map<string, AssetAccess[]>): Promise<Map<string, DesiredAccess>> {
  const rows = await db.selectFrom('users').select(['id', 'user_name', 'active', 'data']).where('tenant_id', '=', tenantId).execute()
  const out = new Map<string, DesiredAccess>()
  for (const r of rows) {
    const roles = Array.isArray(r.data.roles) ? r.data.roles as Array<{ value?: unknown }> : []
    const role = roles.map((x) => x.value).find(isRole) ?? null
    out.set(r.id, r.active && role !== null ? { role, assets: assets.get(r.user_name.toLowerCase()) ?? [] } : { role: null, assets: [] })
  }
  return out
}

export async function testPorts (db: Kysely<DB>, connection?: MetaConnection): Promise<TestPortsControl> {
  await createPortTables(db)
  const control: TestPortsControl = {
    connection,
    assets: new Map(),
    gate: undefined,
    removalBudget: 1000,
    ports: {
      loadMetaConnection: async () => {
        if (control.gate !== undefined) await control.gate
        return control.connection
      },
      desiredAccess: async (db2, tenantId) => await desiredFromUsers(db2, tenantId, control.assets),
      updateObservedState: async (trx, tenantId, people, cause) => {
        for (const p of people) {
          await sql`insert into test_observed values (${tenantId}, ${p.userId}, ${cause.syncRunId}, ${p.state}, ${p.businessUserId}, ${p.roleRequestId}, ${p.role}, ${p.workAccount}, ${JSON.stringify(p.assets)})
            on conflict (tenant_id, user_id) do update set run_id = excluded.run_id, state = excluded.state, business_user_id = excluded.business_user_id,
              role_request_id = excluded.role_request_id, role = excluded.role, work_account = excluded.work_account, assets = excluded.assets`.execute(trx)
        }
      },
      enqueueReconcile: async (trx, tenantId, userIds, cause) => {
        for (const id of userIds) await sql`insert into test_reconciles values (${tenantId}, ${id}, ${cause.syncRunId})`.execute(trx)
      },
      requestRemovals: async (trx, tenantId, people, cause) => {
        let accepted = 0
        for (const p of people) {
          const held = accepted >= control.removalBudget
          if (!held) accepted++
          await sql`insert into test_removals values (${tenantId}, ${p.kind}, ${p.metaId}, ${p.email}, ${cause.syncRunId}, ${held})`.execute(trx)
        }
        return { accepted, held: people.length - accepted }
      }
    }
  }
  return control
}
