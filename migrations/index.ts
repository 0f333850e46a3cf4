import type { Migration } from 'kysely/migration'
import * as tenantsAndTokens from './20261129T000100Z-tenants-and-tokens.js'
import * as directory from './20261129T000200Z-directory.js'

/**
 * Every migration, in order. Append new ones at the end; never edit or reorder a landed one.
 * Names sort in the order they run.
 */
export const migrations: Record<string, Migration> = {
  '20261129T000100Z-tenants-and-tokens': tenantsAndTokens,
  '20261129T000200Z-directory': directory
}
