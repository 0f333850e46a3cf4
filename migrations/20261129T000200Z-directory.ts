import { type Kysely, sql } from 'kysely'

export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('users')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('display_name', 'text')
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('users_pkey', ['tenant_id', 'id'])
    .execute()
  // RFC 7643 §4.1.1: userName is unique and caseExact=false, so uniqueness ignores case; the
  // same index serves `userName eq` filters, which Okta and Entra send before every create.
  await sql`create unique index users_user_name_lower on users (tenant_id, lower(user_name))`.execute(db)
  // Entra's older default matching attribute is externalId (docs/idp-behaviour.md §C); not unique.
  await sql`create index users_external_id on users (tenant_id, external_id)`.execute(db)
  // The stable order of every list (1-based paging, RFC 7644 §3.4.2.4).
  await sql`create index users_created on users (tenant_id, created_at, id)`.execute(db)

  await db.schema.createTable('groups')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('groups_pkey', ['tenant_id', 'id'])
    .execute()
  // Entra matches groups by `displayName eq` (docs/idp-behaviour.md §C).
  await sql`create index groups_display_name_lower on groups (tenant_id, lower(display_name))`.execute(db)
  await sql`create index groups_external_id on groups (tenant_id, external_id)`.execute(db)
  await sql`create index groups_created on groups (tenant_id, created_at, id)`.execute(db)

  await db.schema.createTable('group_members')
    .addColumn('tenant_id', 'uuid', (c) => c.notNull())
    .addColumn('group_id', 'uuid', (c) => c.notNull())
    .addColumn('member_id', 'uuid', (c) => c.notNull())
    .addColumn('display', 'text')
    .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('group_members_pkey', ['tenant_id', 'group_id', 'member_id'])
    // Composite keys keep a membership inside one tenant; deleting a group or a user drops
    // its memberships in the same statement.
    .addForeignKeyConstraint('group_members_group_fk', ['tenant_id', 'group_id'], 'groups', ['tenant_id', 'id'], (c) => c.onDelete('cascade'))
    .addForeignKeyConstraint('group_members_member_fk', ['tenant_id', 'member_id'], 'users', ['tenant_id', 'id'], (c) => c.onDelete('cascade'))
    .execute()
  // A user's groups (the readOnly `groups` attribute, provisioning's desired access).
  await sql`create index group_members_member on group_members (tenant_id, member_id)`.execute(db)
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('group_members').execute()
  await db.schema.dropTable('groups').execute()
  await db.schema.dropTable('users').execute()
}
