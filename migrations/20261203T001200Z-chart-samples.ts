import type { Kysely } from 'kysely'

// History for the console's charts (docs/operations.md §11, "Sampled history"): the reconcile
// queue's depth and oldest job age per tenant, and the rate-limit buckets' usage and pauses,
// sampled every CHART_SAMPLE_INTERVAL_SECONDS and pruned after CHART_SAMPLE_RETENTION_DAYS.

export async function up (db: Kysely<unknown>): Promise<void> {
  // One row per sampling round, whoever took it. Its primary key is the claim that lets one
  // replica take a round, and a round without a tenant's queue row means that tenant's queue
  // was empty then (a missing round is a gap, not a zero).
  await db.schema.createTable('chart_sample_rounds')
    .addColumn('at', 'timestamptz', (c) => c.primaryKey())
    .addColumn('taken_by', 'text', (c) => c.notNull())
    .execute()
  // A tenant's queue at a round, written only while it has unfinished jobs. Range reads and
  // the age prune walk the primary key (tenant_id, at).
  await db.schema.createTable('queue_samples')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('depth', 'integer', (c) => c.notNull())
    .addColumn('oldest_age_seconds', 'integer')
    .addPrimaryKeyConstraint('queue_samples_pkey', ['tenant_id', 'at'])
    .execute()
  // One rate-limit bucket a tenant's calls run under, at a round. Each replica's governor adds
  // its view to the same row (the higher usage, the later pause end).
  await db.schema.createTable('rate_limit_samples')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('usage_pct', 'real')
    .addColumn('paused_until', 'timestamptz')
    .addPrimaryKeyConstraint('rate_limit_samples_pkey', ['tenant_id', 'at', 'bucket'])
    .execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limit_samples').execute()
  await db.schema.dropTable('queue_samples').execute()
  await db.schema.dropTable('chart_sample_rounds').execute()
}
