import { type Kysely, sql } from 'kysely'

// Console roles and tenant scope (docs/console.md): each session keeps what its sign-in granted,
// and, for RP-initiated logout, the ID token sealed under a key only the session's cookie gives.

export async function up (db: Kysely<unknown>): Promise<void> {
  // Sessions from before roles existed were all full admins; the default keeps them so.
  await db.schema.alterTable('console_sessions')
    .addColumn('role', 'text', (c) => c.defaultTo('admin').check(sql`role in ('viewer', 'operator', 'admin')`))
    .execute()
  await db.schema.alterTable('console_sessions')
    .addColumn('tenant_roles', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute()
  await db.schema.alterTable('console_sessions').addColumn('id_token_sealed', 'text').execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('console_sessions').dropColumn('id_token_sealed').execute()
  await db.schema.alterTable('console_sessions').dropColumn('tenant_roles').execute()
  await db.schema.alterTable('console_sessions').dropColumn('role').execute()
}
