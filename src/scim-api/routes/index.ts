import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.js'
import type { AccessChangeSink } from '../../directory/access-change-sink.js'
import { createGroupsService } from '../../directory/groups-service.js'
import type { GroupRecord, UserRecord } from '../../directory/records.js'
import type { ReadOnlyUserExtension } from '../../directory/user-extensions.js'
import { createUsersService } from '../../directory/users-service.js'
import { toScimResource } from '../../scim/resource/mapper.js'
import { groupResourceType, userResourceType, withReadOnlyExtension } from '../../scim/schemas/resource-types.js'
import { registerDiscoveryRoutes } from './discovery.js'
import { baseUrlResolver, parseJsonBody, type RouteContext } from './http.js'
import { registerResourceRoutes, type ResourceRouteSpec } from './resource-routes.js'
import { registerRootSearch, searchable } from './root-search.js'
import { MEMBER_PAGING_URN } from '../../scim/schemas/group-members-extension.js'
import type { JsonObject } from '../../scim/resource/json.js'

/**
 * A Group answer whose `members` lists only the group's first members carries the
 * member-paging block beside them (docs/scim.md "Group answers"); without `members`, neither.
 */
function withMemberPaging (record: GroupRecord, shown: JsonObject): JsonObject {
  if (record.totalMembers === undefined || !Array.isArray(shown.members)) return shown
  const { meta, ...rest } = shown
  const schemas = Array.isArray(shown.schemas) ? [...shown.schemas as string[], MEMBER_PAGING_URN] : [MEMBER_PAGING_URN]
  const block = { totalMembers: record.totalMembers, membersReturned: shown.members.length, membersFilter: `groups.value eq "${record.id}"` }
  return { ...rest, schemas, [MEMBER_PAGING_URN]: block, ...(meta === undefined ? {} : { meta }) }
}

export interface ScimRoutesOptions {
  db: Kysely<DB>
  config: {
    scimMaxPageSize: number
    /** The origin of absolute URLs in answers (src/http/public-origin.ts), never taken from a request. */
    publicBaseUrl: string
    scimMaxMembersPerResponse?: number | undefined
  }
  accessChanges: AccessChangeSink
  /** Read-only blocks added to every User (the Meta state). */
  userExtensions?: ReadOnlyUserExtension[]
}

/** The SCIM 2.0 API (RFC 7644) for the tenant `request.tenantId` that the auth hook set. */
export async function scimRoutes (app: FastifyInstance, opts: ScimRoutesOptions): Promise<void> {
  // Our own JSON parsing inside this context: tolerant of empty bodies, SCIM errors on bad JSON.
  app.removeContentTypeParser(['application/json', 'application/scim+json'])
  app.addContentTypeParser(['application/json', 'application/scim+json'], { parseAs: 'string' }, parseJsonBody)

  const extensions = opts.userExtensions ?? []
  const userType = extensions.reduce((type, e) => withReadOnlyExtension(type, e.schema), userResourceType)
  const deps = { db: opts.db, accessChanges: opts.accessChanges }
  const users = createUsersService(deps, userType, extensions)
  const groups = createGroupsService(deps, {
    ...(opts.config.scimMaxMembersPerResponse === undefined
      ? {}
      : { maxMembersPerAnswer: opts.config.scimMaxMembersPerResponse })
  })
  const context: RouteContext = {
    baseUrl: baseUrlResolver(opts.config.publicBaseUrl, app.prefix), maxPageSize: opts.config.scimMaxPageSize
  }

  const userSpec: ResourceRouteSpec<UserRecord> = {
    type: userType,
    related: 'groups',
    patchAnswer: 'resource',
    service: users,
    map: (record, baseUrl) => toScimResource(
      userType, record, { baseUrl, groups: record.groups, extensionBlocks: record.extensionBlocks }
    )
  }
  const groupSpec: ResourceRouteSpec<GroupRecord> = {
    type: groupResourceType,
    related: 'members',
    patchAnswer: 'noContent',
    service: groups,
    map: (record, baseUrl) => toScimResource(groupResourceType, record, { baseUrl, members: record.members }),
    finish: withMemberPaging
  }

  registerResourceRoutes(app, userSpec, context)
  registerResourceRoutes(app, groupSpec, context)
  registerRootSearch(app, [searchable(userSpec), searchable(groupSpec)], context)

  registerDiscoveryRoutes(app, [userType, groupResourceType], context)
}
