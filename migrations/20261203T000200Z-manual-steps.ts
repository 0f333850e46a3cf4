import { sql, type Kysely } from 'kysely'

// Changes Meta's API cannot make (pixel access cannot be un-assigned through the API: Meta's
// ads-pixel assigned_users reference says "Deleting: You can't perform this operation on this
// endpoint"), kept on the person's record until a read shows them done by hand.
export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('meta_people')
    .addColumn('manual_steps', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('meta_people').dropColumn('manual_steps').execute()
}
