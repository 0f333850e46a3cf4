import { type Kysely, sql } from 'kysely'

// Which of a tenant's Meta settings the environment owns, setting → variable name
// (e.g. {"businessId": "META_BUSINESS_ID"}): the admin API refuses to change those and every
// other setting is the admin's, kept across restarts (docs/meta.md "Who owns a setting").

export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tenant_meta_settings')
    .addColumn('env_owned', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tenant_meta_settings').dropColumn('env_owned').execute()
}
