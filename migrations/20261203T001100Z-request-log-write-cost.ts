import { type Kysely, sql } from 'kysely'

// The SCIM request log takes one row per SCIM request, so what each row costs the database to
// insert is paid on every request (docs/operations.md, "SCIM request log"). Measured on the
// bench machine (bench/findings.md): the foreign key to tenants fired a check per row (a
// `select … for key share` on the tenant) and the primary key on `id` was a third B-tree next to
// (tenant_id, id) and (tenant_id, at). Now: the primary key is (tenant_id, id), which is also
// the newest-first paging index, and no foreign key. The batch INSERT already joins tenants,
// so rows of a deleted tenant are never written, and deleting a tenant deletes its rows
// (tenants-repository.ts), as the cascade did.

export async function up (db: Kysely<unknown>): Promise<void> {
  await sql`alter table scim_requests drop constraint scim_requests_tenant_id_fkey`.execute(db)
  await sql`alter table scim_requests drop constraint scim_requests_pkey`.execute(db)
  await sql`drop index scim_requests_tenant_id`.execute(db)
  await sql`alter table scim_requests add constraint scim_requests_pkey primary key (tenant_id, id)`.execute(db)
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await sql`alter table scim_requests drop constraint scim_requests_pkey`.execute(db)
  await sql`alter table scim_requests add constraint scim_requests_pkey primary key (id)`.execute(db)
  await sql`create index scim_requests_tenant_id on scim_requests (tenant_id, id)`.execute(db)
  await sql`delete from scim_requests r where not exists (select 1 from tenants t where t.id = r.tenant_id)`.execute(db)
  await sql`alter table scim_requests add constraint scim_requests_tenant_id_fkey
    foreign key (tenant_id) references tenants (id) on delete cascade`.execute(db)
}
