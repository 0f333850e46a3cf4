import type { ColumnType, Generated } from 'kysely'
import type { Timestamp } from '../../db/column-types.js'
import type { ConsoleRole } from '../auth/roles.js'

/** A console session (migrations/20261203T000900Z-console.ts); the id itself is never stored. */
export interface ConsoleSessionsTable {
  id_hash: string
  /** Who, as the audit log names them: `console:<email>` or `console:break-glass`. */
  actor: string
  method: 'oidc' | 'token'
  subject: string
  issuer: string | null
  created_at: Timestamp
  last_seen_at: Timestamp
  expires_at: Timestamp
  /** The role on every tenant; null when the session holds roles on single tenants only. */
  role: ConsoleRole | null
  /** Roles on single tenants, by tenant id (migrations/20261203T001300Z-console-roles.ts). */
  tenant_roles: ColumnType<Record<string, ConsoleRole>, string, string>
  /** The OIDC ID token for `id_token_hint` at sign-out, sealed with a key from the cookie's secret. */
  id_token_sealed: string | null
}

export interface ConsoleSignInFlowsTable {
  id_hash: string
  state: string
  nonce: string
  code_verifier: string
  return_to: string
  expires_at: Timestamp
}

export interface ConsoleEventsTable {
  id: Generated<string>
  at: Timestamp
  actor: string
  action: string
  outcome: string
  detail: ColumnType<Record<string, unknown>, string | undefined, string>
}

export interface ConsoleTables {
  console_sessions: ConsoleSessionsTable
  console_sign_in_flows: ConsoleSignInFlowsTable
  console_events: ConsoleEventsTable
}
