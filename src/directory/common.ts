import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.js'
import { ScimError } from '../scim/errors.js'
import { etagMatches } from '../scim/resource/etag.js'
import type { AccessChangeSink } from './access-change-sink.js'

export interface DirectoryDeps {
  db: Kysely<DB>
  accessChanges: AccessChangeSink
}

/** RFC 7644 §3.14: If-Match on a write; 412 when the client's version is stale. */
export function checkIfMatch (ifMatch: string | undefined, version: number): void {
  if (ifMatch !== undefined && !etagMatches(ifMatch, version)) {
    throw new ScimError(412, undefined, 'the resource has changed since the version given in If-Match')
  }
}
