import type { RawBuilder } from 'kysely'
import type { JsonObject } from '../scim/resource/json.js'
import type { SchemaDefinition } from '../scim/schemas/types.js'

/** The user row a correlated subquery reads from: references to its tenant and id columns. */
export interface UserRowRef {
  tenantId: RawBuilder<string>
  id: RawBuilder<string>
}

/**
 * A read-only extension block on the User resource, computed by the server (e.g. the Meta
 * state the provisioning engine adds): its schema for `/Schemas` and how to read it. Clients cannot write it;
 * values they send for it are ignored.
 *
 * The block is read as a scalar subquery of the statement that reads (or writes, through
 * RETURNING) the user rows, so a page of users with their blocks is one round trip
 * (bench/findings.md §1: the round trips, not the plans, were the cost).
 */
export interface ReadOnlyUserExtension {
  schema: SchemaDefinition
  /** A scalar subquery correlated with `user`, giving the block's source as json (null: no block). */
  source: (user: UserRowRef) => RawBuilder<unknown>
  /** The block from the subquery's value; undefined when the user has none. */
  toBlock: (value: unknown) => JsonObject | undefined
}
