import { type Kysely, sql } from 'kysely'

// The removal brake (docs/removal-brake.md): per-tenant budget and state, the removals
// counted against the sliding window, and the removals held for an admin's decision.

export async function up (db: Kysely<unknown>): Promise<void> {
  // One row per tenant, created on first use; its row lock serialises budget decisions.
  await db.schema.createTable('removal_brakes')
    .addColumn('tenant_id', 'uuid', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('budget_count', 'integer', (c) => c.notNull().defaultTo(10).check(sql`budget_count >= 0`))
    .addColumn('budget_percent', 'double precision', (c) => c.notNull().defaultTo(5).check(sql`budget_percent >= 0 and budget_percent <= 100`))
    .addColumn('window_seconds', 'integer', (c) => c.notNull().defaultTo(3600).check(sql`window_seconds > 0`))
    .addColumn('engaged_at', 'timestamptz')
    .addColumn('first_cause', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  // Removals let through, for the sliding window; older rows are deleted as the window moves.
  await db.schema.createTable('removal_budget_uses')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('person_key', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute()
  await sql`create index removal_budget_uses_window on removal_budget_uses (tenant_id, at)`.execute(db)

  // One held (or decided) removal per person: a SCIM user's id, or `unmanaged:<kind>:<meta id>`.
  await db.schema.createTable('held_removals')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('person_key', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid')
    .addColumn('email', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('step', 'jsonb', (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('held').check(sql`status in ('held', 'approved', 'rejected')`))
    .addColumn('held_at', 'timestamptz', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addUniqueConstraint('held_removals_person', ['tenant_id', 'person_key'])
    .execute()
  await sql`create index held_removals_tenant_status on held_removals (tenant_id, status, held_at)`.execute(db)
}

export async function down (db: Kysely<unknown>): Promise<void> {
  for (const table of ['held_removals', 'removal_budget_uses', 'removal_brakes']) {
    await db.schema.dropTable(table).execute()
  }
}
