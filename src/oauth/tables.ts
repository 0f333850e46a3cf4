import type { ColumnType, Generated, Selectable } from 'kysely'
import type { NullableTimestamp, Timestamp } from '../db/column-types.js'

/** jsonb written as a JSON string, read back parsed (the convention of src/sync/tables.ts). */
type Json<T> = ColumnType<T, string, string>

export interface OAuthClientsTable {
  id: Generated<string>
  tenant_id: string
  /** What the IdP admin types as "Client Identifier"; not a secret. */
  client_id: string
  label: string
  created_at: Timestamp
  revoked_at: NullableTimestamp
}

export interface OAuthClientSecretsTable {
  id: Generated<string>
  tenant_id: string
  client_ref: string
  /** SHA-256 of the secret, hex; the secret itself is shown once and never stored. */
  secret_hash: string
  secret_prefix: string
  created_at: Timestamp
  expires_at: Timestamp
  last_used_at: NullableTimestamp
  revoked_at: NullableTimestamp
}

export interface OAuthFederationTrustsTable {
  id: Generated<string>
  tenant_id: string
  client_id: string
  label: string
  issuer: string
  jwks_uri: string
  subject: string
  /** Exact `aud` values accepted (RFC 7519 §4.1.3); never prefixes. */
  audiences: Json<string[]>
  created_at: Timestamp
  updated_at: Timestamp
  last_used_at: NullableTimestamp
  revoked_at: NullableTimestamp
}

export interface OAuthAccessTokensTable {
  id: Generated<string>
  tenant_id: string
  token_hash: string
  client_ref: string | null
  secret_ref: string | null
  trust_ref: string | null
  scope: string
  created_at: Timestamp
  expires_at: Timestamp
}

export interface OAuthAssertionIdsTable {
  trust_ref: string
  tenant_id: string
  jti: string
  expires_at: Timestamp
}

export interface OAuthJwksCacheTable {
  jwks_uri: string
  jwks: Json<{ keys: unknown[] }>
  fetched_at: Timestamp
}

export interface OAuthTables {
  oauth_clients: OAuthClientsTable
  oauth_client_secrets: OAuthClientSecretsTable
  oauth_federation_trusts: OAuthFederationTrustsTable
  oauth_access_tokens: OAuthAccessTokensTable
  oauth_assertion_ids: OAuthAssertionIdsTable
  oauth_jwks_cache: OAuthJwksCacheTable
}

export type OAuthClient = Selectable<OAuthClientsTable>
export type OAuthClientSecret = Selectable<OAuthClientSecretsTable>
export type FederationTrust = Selectable<OAuthFederationTrustsTable>
