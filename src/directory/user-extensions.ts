import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import type { JsonObject } from '../scim/resource/json.js'
import type { SchemaDefinition } from '../scim/schemas/types.js'

/**
 * A read-only extension block on the User resource, computed by the server (e.g. the Meta
 * state issue 5 adds): its schema for `/Schemas` and a loader for a page of users. Clients
 * cannot write it; values they send for it are ignored.
 */
export interface ReadOnlyUserExtension {
  schema: SchemaDefinition
  /** The block for each user that has one, keyed by user id. */
  load: (db: Kysely<DB>, tenantId: string, userIds: string[]) => Promise<Map<string, JsonObject>>
}
