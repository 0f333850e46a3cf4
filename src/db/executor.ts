import type { Kysely, Transaction } from 'kysely'
import type { DB } from './schema.js'

/** What repository functions run on: the pool, or the caller's transaction (style rule 2). */
export type Executor = Kysely<DB> | Transaction<DB>
