import { type Kysely, sql } from 'kysely'

// The sync ("check for updates"): per-tenant settings, the run history, and the Meta
// directory snapshot (what the last sync read from the business, reference §9).

export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('sync_settings')
    .addColumn('tenant_id', 'uuid', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    // 0 turns the schedule off; the default of an absent row is hourly (60).
    .addColumn('schedule_minutes', 'integer', (c) => c.notNull().defaultTo(60).check(sql`schedule_minutes >= 0`))
    .addColumn('unmanaged_policy', 'text', (c) => c.notNull().defaultTo('report').check(sql`unmanaged_policy in ('report', 'remove')`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema.createTable('sync_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'succeeded', 'failed')`))
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('counts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('summary', 'jsonb')
    .addColumn('error', 'text')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('heartbeat_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute()
  // At most one running sync per tenant across every replica: the second insert fails here.
  await sql`create unique index sync_runs_one_running on sync_runs (tenant_id) where status = 'running'`.execute(db)
  // History pages, newest first; the scheduler's "last run of this tenant".
  await sql`create index sync_runs_tenant_started on sync_runs (tenant_id, started_at desc, id)`.execute(db)

  // Which run the snapshot rows below came from; written in the same transaction as them.
  await db.schema.createTable('meta_directory_snapshots')
    .addColumn('tenant_id', 'uuid', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('run_id', 'uuid', (c) => c.notNull())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('taken_at', 'timestamptz', (c) => c.notNull())
    .execute()

  // Members, pending invites and system users of the business (§2.1 P1, P6, P12).
  await db.schema.createTable('meta_directory_people')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('member', 'invite', 'system_user')`))
    .addColumn('meta_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('name', 'text')
    .addColumn('role', 'text')
    .addColumn('tasks', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('finance_permission', 'text')
    .addColumn('ip_permission', 'text')
    .addColumn('invite_status', 'text')
    .addColumn('invited_user_type', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('work_account', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('marked_for_removal', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('invited_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('matched_user_id', 'uuid')
    // false for a second Meta identity of an already matched SCIM user (e.g. both a personal
    // profile and a Work Account during a migration, §10).
    .addColumn('primary_match', 'boolean', (c) => c.notNull().defaultTo(false))
    .addPrimaryKeyConstraint('meta_directory_people_pkey', ['tenant_id', 'kind', 'meta_id'])
    .execute()
  await sql`create index meta_directory_people_user on meta_directory_people (tenant_id, matched_user_id)`.execute(db)

  // Agencies and clients (§2.4), read-only.
  await db.schema.createTable('meta_directory_partners')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('agency', 'client')`))
    .addColumn('meta_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('permissions', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addPrimaryKeyConstraint('meta_directory_partners_pkey', ['tenant_id', 'kind', 'meta_id'])
    .execute()

  // Assets the business owns or can use through clients (§2.2).
  await db.schema.createTable('meta_directory_assets')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('asset_type', 'text', (c) => c.notNull())
    .addColumn('asset_id', 'text', (c) => c.notNull())
    .addColumn('relation', 'text', (c) => c.notNull().check(sql`relation in ('owned', 'client')`))
    .addColumn('name', 'text')
    .addPrimaryKeyConstraint('meta_directory_assets_pkey', ['tenant_id', 'asset_type', 'asset_id'])
    .execute()

  // Who holds which tasks on each asset (§2.3 assigned_users); person_id is a business-scoped
  // user id or a system user id.
  await db.schema.createTable('meta_directory_assignments')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('asset_type', 'text', (c) => c.notNull())
    .addColumn('asset_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('user_type', 'text')
    .addColumn('tasks', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('meta_directory_assignments_pkey', ['tenant_id', 'asset_id', 'person_id'])
    .execute()
  await sql`create index meta_directory_assignments_person on meta_directory_assignments (tenant_id, person_id)`.execute(db)
}

export async function down (db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'meta_directory_assignments', 'meta_directory_assets', 'meta_directory_partners',
    'meta_directory_people', 'meta_directory_snapshots', 'sync_runs', 'sync_settings'
  ]) {
    await db.schema.dropTable(table).execute()
  }
}
