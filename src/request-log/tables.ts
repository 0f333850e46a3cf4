import type { Generated, Selectable } from 'kysely'
import type { Timestamp } from '../db/column-types.js'

/** One SCIM request as logged (migrations/20261203T000800Z-observability.ts). */
export interface ScimRequestsTable {
  id: Generated<string>
  tenant_id: string
  at: Timestamp
  request_id: string
  token_id: string | null
  token_label: string | null
  idp: string
  user_agent: string | null
  method: string
  path: string
  query: string | null
  action: string
  summary: string
  target_type: string | null
  target_id: string | null
  target_name: string | null
  status: number
  scim_type: string | null
  duration_ms: number
  request_body: unknown
  response_body: unknown
}

export type ScimRequestRow = Selectable<ScimRequestsTable>

export interface RequestLogTables {
  scim_requests: ScimRequestsTable
}
