import { type Kysely, sql } from 'kysely'

/**
 * OAuth 2.0 for the IdPs (docs/oauth.md): client-credentials clients and their secrets,
 * workload identity federation trusts, the access tokens we issue (hashes only), the `jti`s
 * of single-use assertions and the last good JWKS per issuer key set.
 */
export async function up (db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('oauth_clients')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('revoked_at', 'timestamptz')
    .execute()
  await db.schema.createIndex('oauth_clients_tenant').on('oauth_clients').column('tenant_id').execute()

  await db.schema.createTable('oauth_client_secrets')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('client_ref', 'uuid', (c) => c.notNull().references('oauth_clients.id').onDelete('cascade'))
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('secret_prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute()
  await db.schema.createIndex('oauth_client_secrets_client').on('oauth_client_secrets').column('client_ref').execute()

  await db.schema.createTable('oauth_federation_trusts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('jwks_uri', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('audiences', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute()
  await db.schema.createIndex('oauth_federation_trusts_tenant').on('oauth_federation_trusts').column('tenant_id')
    .execute()

  await db.schema.createTable('oauth_access_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    // Exactly one of the three credentials the token was issued to; deleting it deletes the token.
    .addColumn('client_ref', 'uuid', (c) => c.references('oauth_clients.id').onDelete('cascade'))
    .addColumn('secret_ref', 'uuid', (c) => c.references('oauth_client_secrets.id').onDelete('cascade'))
    .addColumn('trust_ref', 'uuid', (c) => c.references('oauth_federation_trusts.id').onDelete('cascade'))
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('oauth_access_tokens_expiry').on('oauth_access_tokens').column('expires_at').execute()
  await db.schema.createIndex('oauth_access_tokens_client').on('oauth_access_tokens').column('client_ref').execute()
  await db.schema.createIndex('oauth_access_tokens_trust').on('oauth_access_tokens').column('trust_ref').execute()

  // RFC 7523 §3: a `jti` seen once is refused until the assertion expires; in the database so
  // every replica refuses it.
  await db.schema.createTable('oauth_assertion_ids')
    .addColumn('trust_ref', 'uuid', (c) => c.notNull().references('oauth_federation_trusts.id').onDelete('cascade'))
    .addColumn('tenant_id', 'uuid', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('jti', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('oauth_assertion_ids_pk', ['trust_ref', 'jti'])
    .execute()

  // The last good key set per JWKS URL: a restart or a new replica verifies without a fetch,
  // and a key set host that is briefly down does not stop known keys from working.
  await db.schema.createTable('oauth_jwks_cache')
    .addColumn('jwks_uri', 'text', (c) => c.primaryKey())
    .addColumn('jwks', 'jsonb', (c) => c.notNull())
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .execute()
}

export async function down (db: Kysely<unknown>): Promise<void> {
  for (const table of ['oauth_jwks_cache', 'oauth_assertion_ids', 'oauth_access_tokens', 'oauth_federation_trusts',
    'oauth_client_secrets', 'oauth_clients']) {
    await db.schema.dropTable(table).execute()
  }
}
