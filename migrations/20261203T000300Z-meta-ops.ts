import type { Kysely } from 'kysely'

// Assets whose assignments the token could not read (docs/sync.md "Unreadable assets"), and the
// per-tenant choice to invite managed Meta accounts (docs/identity-modes.md).

export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('meta_directory_assets')
    .addColumn('unreadable_class', 'text')
    .addColumn('unreadable_code', 'integer')
    .addColumn('unreadable_message', 'text')
    .execute()
  await db.schema.alterTable('tenant_meta_settings')
    .addColumn('work_accounts_invite', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tenant_meta_settings').dropColumn('work_accounts_invite').execute()
  await db.schema.alterTable('meta_directory_assets')
    .dropColumn('unreadable_class')
    .dropColumn('unreadable_code')
    .dropColumn('unreadable_message')
    .execute()
}
