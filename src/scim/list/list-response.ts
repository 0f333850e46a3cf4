import type { JsonObject } from '../resource/json.js'
import { URN } from '../schemas/urns.js'

/** RFC 7644 §3.4.2: a ListResponse; `Resources` is present (empty) when nothing matched. */
export function listResponse (resources: JsonObject[], totalResults: number, startIndex: number): JsonObject {
  return {
    schemas: [URN.listResponse],
    totalResults,
    itemsPerPage: resources.length,
    startIndex,
    Resources: resources
  }
}
