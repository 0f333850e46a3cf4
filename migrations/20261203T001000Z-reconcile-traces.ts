import { type Kysely, sql } from 'kysely'

// Per-person reconcile traces and the per-person reconcile lease (docs/provisioning.md,
// "Reconcile traces" and "Reconcile now").

export async function up (db: Kysely<unknown>): Promise<void> {
  // One row per reconcile of a person: what the IdP said, the desired access, the match in Meta,
  // the plan, each Graph call and the result. Only a person's newest rows are kept
  // (RECONCILE_TRACES_PER_PERSON); the writer prunes in the transaction that inserts.
  await db.schema.createTable('reconcile_traces')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    // No foreign key to users: a deleted user's last reconciles (the removal) stay readable.
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text')
    .addColumn('dry_run', 'boolean', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('duration_ms', 'double precision', (c) => c.notNull())
    .addColumn('call_count', 'integer', (c) => c.notNull())
    // json, not jsonb: written once, read whole, never queried inside.
    .addColumn('trace', 'json', (c) => c.notNull())
    .execute()
  await sql`create index reconcile_traces_person on reconcile_traces (tenant_id, user_id, id)`.execute(db)

  // At most one reconcile of a person at a time across the queue's worker and an admin's
  // "reconcile now": whoever holds the row runs; it expires so a killed process frees it.
  await db.schema.createTable('reconcile_leases')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('reconcile_leases_pkey', ['tenant_id', 'user_id'])
    .execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('reconcile_leases').execute()
  await db.schema.dropTable('reconcile_traces').execute()
}
