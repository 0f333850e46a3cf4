import { type Kysely, sql } from 'kysely'

// Observability: the per-tenant SCIM request log (docs/operations.md, "SCIM request log").

export async function up (db: Kysely<unknown>): Promise<void> {
  // One row per SCIM request, written in batches off the request path; bodies are masked
  // before they reach this table. Pruned by age and by rows per tenant.
  await db.schema.createTable('scim_requests')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('token_id', 'uuid')
    .addColumn('token_label', 'text')
    .addColumn('idp', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('query', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    .addColumn('target_name', 'text')
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('scim_type', 'text')
    .addColumn('duration_ms', 'double precision', (c) => c.notNull())
    // json, not jsonb: stored verbatim and never queried inside, so no parse into jsonb per row.
    .addColumn('request_body', 'json')
    .addColumn('response_body', 'json')
    .execute()
  // Newest-first pages and the rows-per-tenant cap walk this index; time ranges and the age
  // prune use the second.
  await sql`create index scim_requests_tenant_id on scim_requests (tenant_id, id)`.execute(db)
  await sql`create index scim_requests_tenant_at on scim_requests (tenant_id, at)`.execute(db)
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('scim_requests').execute()
}
