import type { PatchOperationInput } from './patch/operations.js'
import type { StoredResource } from './resource/mapper.js'

/** A list or search request (RFC 7644 §3.4.2, §3.4.3) once its parameters are parsed. */
export interface ListRequest {
  filter?: string | undefined
  /** 1-based. */
  startIndex: number
  count: number
  sortBy?: string | undefined
  descending?: boolean
}

export interface ListResult<T> { totalResults: number, items: T[] }

/**
 * What the SCIM API needs of the service behind one resource type; the directory services
 * implement it. `withRelated` asks for the user's groups / the group's members in the answer:
 * the API decides it from the projection before any write, so a bad `attributes` parameter
 * fails before anything is stored.
 */
export interface ResourceService<R extends StoredResource> {
  get: (tenantId: string, id: string, withRelated?: boolean) => Promise<R>
  list: (tenantId: string, request: ListRequest, withRelated?: boolean) => Promise<ListResult<R>>
  create: (tenantId: string, body: unknown, withRelated?: boolean) => Promise<R>
  replace: (tenantId: string, id: string, body: unknown, ifMatch?: string, withRelated?: boolean) => Promise<R>
  patch: (
    tenantId: string, id: string, operations: readonly PatchOperationInput[], ifMatch?: string, withRelated?: boolean
  ) => Promise<R>
  delete: (tenantId: string, id: string, ifMatch?: string) => Promise<void>
}
