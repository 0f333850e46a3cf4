import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../db/schema.js'
import { BUSINESS_ROLES, INVITED_USER_TYPES } from '../meta/index.js'
import { unconfirmableRoleReason } from '../tenants/confirmable-roles.js'
import { updateMetaSettings } from '../tenants/meta-settings-service.js'
import {
  effectiveDryRun, getMetaSettings, type EnvOwnership, type MetaSettings, type OwnedSetting
} from '../tenants/meta-settings.js'
import { AdminError } from './admin-errors.js'
import { testTenantConnection } from './meta-connection-probe.js'
import { requireProvisioning, type AdminProvisioning } from './provisioning-deps.js'
import type { ZodTypeProvider } from './zod-type-provider.js'

const secret = z.string().trim().min(1).max(4096).nullable().optional()

/** Fields left out keep their value; secrets: a string sets, null clears, absent keeps. */
export const connectionBody = z.object({
  business_id: z.string().trim().regex(/^\d{1,32}$/, 'a numeric business id').nullable().optional(),
  access_token: secret,
  app_secret: secret,
  identity_mode: z.enum(['facebook_profiles', 'work_accounts']).optional(),
  invite_type: z.enum(INVITED_USER_TYPES).optional(),
  work_accounts_invite: z.boolean().optional(),
  default_role: z.enum(BUSINESS_ROLES).nullable().optional(),
  dry_run: z.boolean().optional()
}).strict()

/** Body field → the setting it changes, to check who owns it. */
const FIELD_SETTINGS: Record<keyof z.infer<typeof connectionBody>, OwnedSetting> = {
  business_id: 'businessId',
  access_token: 'accessToken',
  app_secret: 'appSecret',
  identity_mode: 'identityMode',
  invite_type: 'inviteType',
  work_accounts_invite: 'workAccountsInvite',
  default_role: 'defaultRole',
  dry_run: 'dryRun'
}

/**
 * A setting the environment owns is read-only here (409 naming the variable), the way Grafana
 * refuses to edit provisioned resources: an admin edit would silently vanish at the next start.
 */
export function refuseEnvOwned (
  owned: EnvOwnership, fields: ReadonlyArray<{ field: string, setting: OwnedSetting }>
): void {
  const taken = fields.filter((f) => owned[f.setting] !== undefined)
  if (taken.length === 0) return
  const names = taken.map((f) => `${f.field} (${owned[f.setting] ?? ''})`).join(', ')
  throw new AdminError(409, 'managed_by_environment',
    `set by the environment, read-only here: ${names}; change the variable and restart, or unset it to manage the setting here`,
    taken.map((f) => ({ path: `body.${f.field}`, message: `set by ${owned[f.setting] ?? ''}` })))
}

/** Never the secrets: only whether each is set. */
export function connectionView (s: MetaSettings) {
  return {
    business_id: s.businessId,
    access_token_set: s.hasAccessToken,
    app_secret_set: s.hasAppSecret,
    identity_mode: s.identityMode,
    invite_type: s.inviteType,
    work_accounts_invite: s.workAccountsInvite,
    default_role: s.defaultRole,
    dry_run: s.dryRun,
    effective_dry_run: effectiveDryRun(s),
    managed_by: s.managedBy,
    // Which fields the environment owns, and through which variable.
    env_owned: Object.fromEntries(Object.entries(FIELD_SETTINGS)
      .filter(([, setting]) => s.envOwned[setting] !== undefined)
      .map(([field, setting]) => [field, s.envOwned[setting]])),
    connection: { status: s.connection.status, error: s.connection.error, changed_at: s.connection.changedAt },
    updated_at: s.updatedAt
  }
}

export type ConnectionChange = z.infer<typeof connectionBody>

/**
 * Sets a tenant's Meta connection (the admin API's PUT and the console's form): settings the
 * environment owns are refused, and a new connection starts in dry run unless the same change
 * turns it off. Throws AdminError.
 */
export async function saveMetaConnection (
  db: Kysely<DB>, provisioning: AdminProvisioning | undefined, tenantId: string, body: ConnectionChange
) {
  const refused = body.default_role === undefined || body.default_role === null
    ? null
    : unconfirmableRoleReason(body.default_role)
  if (refused !== null) throw new AdminError(400, 'invalid_request', refused, [{ path: 'default_role', message: refused }])
  const { box, queue } = requireProvisioning(provisioning)
  const current = await getMetaSettings(db, tenantId)
  refuseEnvOwned(current.envOwned, (Object.keys(body) as Array<keyof typeof body>)
    .filter((field) => body[field] !== undefined).map((field) => ({ field, setting: FIELD_SETTINGS[field] })))
  // A new connection (a business id and token where there were none) starts in dry run, unless
  // this same request turns dry run off: credentials alone never start calling Meta.
  const hadConnection = current.businessId !== null && current.hasAccessToken
  const willHaveConnection = (body.business_id === undefined ? current.businessId : body.business_id) !== null &&
    (body.access_token === undefined ? current.hasAccessToken : body.access_token !== null)
  const dryRun = body.dry_run ?? (!hadConnection && willHaveConnection ? true : current.dryRun)
  const saved = await updateMetaSettings(db, box, queue, tenantId, {
    businessId: body.business_id === undefined ? current.businessId : body.business_id,
    ...(body.access_token === undefined ? {} : { accessToken: body.access_token }),
    ...(body.app_secret === undefined ? {} : { appSecret: body.app_secret }),
    identityMode: body.identity_mode ?? current.identityMode,
    inviteType: body.invite_type ?? current.inviteType,
    workAccountsInvite: body.work_accounts_invite ?? current.workAccountsInvite,
    defaultRole: body.default_role === undefined ? current.defaultRole : body.default_role,
    dryRun
  })
  return { ...connectionView(saved.settings), changed: saved.changed }
}

/** The tenant's Meta connection: read, set, test. */
export async function metaConnectionRoutes (
  app: FastifyInstance, opts: { db: Kysely<DB>, provisioning?: AdminProvisioning | undefined }
): Promise<void> {
  const { db } = opts
  const admin = app.withTypeProvider<ZodTypeProvider>()

  admin.get('/meta-connection', async (request) => connectionView(await getMetaSettings(db, request.adminTenant.id)))

  admin.put('/meta-connection', { schema: { body: connectionBody } }, async (request) => {
    return await saveMetaConnection(db, opts.provisioning, request.adminTenant.id, request.body)
  })

  admin.post('/meta-connection/test', async (request) => {
    const result = await testTenantConnection(db, requireProvisioning(opts.provisioning), request.adminTenant.id)
    if (result === undefined) throw new AdminError(409, 'not_configured', 'the tenant has no business id or access token')
    return result
  })
}
