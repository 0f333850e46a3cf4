import { type Kysely, sql } from 'kysely'

// The admin console (docs/console.md): sessions, sign-ins in progress, sign-in events, and the
// indexes its people search needs at 100k users.

export async function up (db: Kysely<unknown>): Promise<void> {
  // Server-side sessions: the cookie carries a random id, the table only its SHA-256, so a copy
  // of the database signs nobody in. Idle and absolute expiry are checked on every request.
  await db.schema.createTable('console_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('oidc', 'token')`))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await sql`create index console_sessions_expires on console_sessions (expires_at)`.execute(db)

  // An OIDC sign-in between the redirect to the IdP and its return: PKCE verifier, state and
  // nonce, keyed by the hash of a random id held in a short-lived cookie; used once.
  await db.schema.createTable('console_sign_in_flows')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('return_to', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()

  // Sign-ins, refusals and sign-outs: not about one tenant, so not in audit_events.
  await db.schema.createTable('console_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute()
  await sql`create index console_events_at on console_events (at desc, id desc)`.execute(db)

  // People search by the start of a userName (`like 'abc%'`) uses a pattern index.
  await sql`create index users_user_name_pattern on users (tenant_id, lower(user_name) text_pattern_ops)`.execute(db)
  // The "with errors" filter.
  await sql`create index meta_people_errors on meta_people (tenant_id, user_id) where last_error is not null`.execute(db)
  // The "Unmatched in Meta" tab.
  await sql`create index meta_directory_people_unmatched on meta_directory_people (tenant_id, kind, lower(email))
    where matched_user_id is null`.execute(db)
}

export async function down (db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists meta_directory_people_unmatched`.execute(db)
  await sql`drop index if exists meta_people_errors`.execute(db)
  await sql`drop index if exists users_user_name_pattern`.execute(db)
  await db.schema.dropTable('console_events').execute()
  await db.schema.dropTable('console_sign_in_flows').execute()
  await db.schema.dropTable('console_sessions').execute()
}
