import type { Transaction } from 'kysely'
import type { DB } from '../db/schema.js'
import type { SecretBox } from '../crypto/secret-box.js'
import type { BusinessRole, InvitedUserType } from '../meta/index.js'
import type { TenantMetaSettingsRow } from './provisioning-tables.js'
import type { Executor } from '../db/executor.js'
import { findMetaSettingsRow, updateConnectionStatus, upsertMetaSettingsRow } from './meta-settings-repository.js'

export type IdentityMode = 'facebook_profiles' | 'work_accounts'

/** The settings one owner may hold; `accessRules` stands for the whole rule list. */
export type OwnedSetting = 'businessId' | 'accessToken' | 'appSecret' | 'identityMode' | 'inviteType' | 'defaultRole' | 'dryRun' | 'workAccountsInvite' | 'accessRules'

/** Setting → the environment variable that owns it. */
export type EnvOwnership = Partial<Record<OwnedSetting, string>>
export type ConnectionStatus = 'unknown' | 'connected' | 'disconnected'

/** A tenant's Meta settings as admins see them: never the secrets, only whether they are set. */
export interface MetaSettings {
  tenantId: string
  businessId: string | null
  hasAccessToken: boolean
  hasAppSecret: boolean
  identityMode: IdentityMode
  inviteType: InvitedUserType
  /** work_accounts mode only: invite entitled people as managed accounts (invited_user_type MWA). */
  workAccountsInvite: boolean
  defaultRole: BusinessRole | null
  /** As configured; `effectiveDryRun` also counts missing credentials. */
  dryRun: boolean
  managedBy: 'env' | 'admin'
  /** The settings the environment owns, with their variables; the admin API may not change them. */
  envOwned: EnvOwnership
  connection: { status: ConnectionStatus, error: string | null, changedAt: Date | null }
  updatedAt: Date | null
}

/** What an admin (or the environment) sets. Secrets: a string sets, null clears, undefined keeps. */
export interface MetaSettingsInput {
  businessId: string | null
  accessToken?: string | null
  appSecret?: string | null
  identityMode: IdentityMode
  inviteType: InvitedUserType
  /** undefined keeps the stored value. */
  workAccountsInvite?: boolean
  defaultRole: BusinessRole | null
  dryRun: boolean
}

/** The settings plus opened secrets, for the worker and the sync only. */
export interface MetaCredentials extends MetaSettings {
  accessToken: string | null
  appSecret: string | null
}

const context = (tenantId: string, field: string): string => `tenant:${tenantId}:${field}`

/**
 * The settings of a tenant that has none yet, whoever sets them first (the admin API or the
 * environment): whoever the IdP assigns gets the EMPLOYEE role, and a new connection stays in
 * dry run until someone turns dry run off explicitly.
 */
export function defaultMetaSettings (tenantId: string): MetaSettings {
  return {
    tenantId,
    businessId: null,
    hasAccessToken: false,
    hasAppSecret: false,
    identityMode: 'facebook_profiles',
    inviteType: 'FB',
    workAccountsInvite: false,
    defaultRole: 'EMPLOYEE',
    dryRun: true,
    managedBy: 'admin',
    envOwned: {},
    connection: { status: 'unknown', error: null, changedAt: null },
    updatedAt: null
  }
}

function toSettings (row: TenantMetaSettingsRow): MetaSettings {
  return {
    tenantId: row.tenant_id,
    businessId: row.business_id,
    hasAccessToken: row.access_token_sealed !== null,
    hasAppSecret: row.app_secret_sealed !== null,
    identityMode: row.identity_mode,
    inviteType: row.invite_type,
    workAccountsInvite: row.work_accounts_invite,
    defaultRole: row.default_role as BusinessRole | null,
    dryRun: row.dry_run,
    managedBy: row.managed_by,
    envOwned: row.env_owned ?? {},
    connection: { status: row.connection_status, error: row.connection_error, changedAt: row.connection_changed_at },
    updatedAt: row.updated_at
  }
}

/** docs/architecture.md "Provisioning rules": no credentials, or dry run on, means plan and record only. */
export function effectiveDryRun (s: Pick<MetaSettings, 'dryRun' | 'businessId' | 'hasAccessToken'>): boolean {
  return s.dryRun || s.businessId === null || !s.hasAccessToken
}

export async function getMetaSettings (db: Executor, tenantId: string): Promise<MetaSettings> {
  const row = await findMetaSettingsRow(db, tenantId)
  return row === undefined ? defaultMetaSettings(tenantId) : toSettings(row)
}

export async function loadMetaCredentials (db: Executor, box: SecretBox, tenantId: string): Promise<MetaCredentials> {
  const row = await findMetaSettingsRow(db, tenantId)
  if (row === undefined) return { ...defaultMetaSettings(tenantId), accessToken: null, appSecret: null }
  return {
    ...toSettings(row),
    accessToken: row.access_token_sealed === null ? null : box.open(row.access_token_sealed, context(tenantId, 'meta_access_token')),
    appSecret: row.app_secret_sealed === null ? null : box.open(row.app_secret_sealed, context(tenantId, 'meta_app_secret'))
  }
}

export interface SaveResult {
  /** Anything that changes desired access or how Meta is reached changed: reconcile everyone. */
  changed: boolean
  settings: MetaSettings
}

/**
 * Writes a tenant's settings, sealing secrets. A change of business, token or secret resets
 * the connection to `unknown`, which is how a disconnected tenant is reconnected.
 */
export async function saveMetaSettings (
  trx: Transaction<DB>, box: SecretBox, tenantId: string, input: MetaSettingsInput, managedBy: 'env' | 'admin', envOwned?: EnvOwnership
): Promise<SaveResult> {
  const before = await loadMetaCredentials(trx, box, tenantId)
  const accessToken = input.accessToken === undefined ? before.accessToken : input.accessToken
  const appSecret = input.appSecret === undefined ? before.appSecret : input.appSecret
  const credentialsChanged = accessToken !== before.accessToken || appSecret !== before.appSecret ||
    input.businessId !== before.businessId
  const workAccountsInvite = input.workAccountsInvite ?? before.workAccountsInvite
  const changed = credentialsChanged || input.identityMode !== before.identityMode ||
    input.inviteType !== before.inviteType ||
    workAccountsInvite !== before.workAccountsInvite ||
    input.defaultRole !== before.defaultRole || input.dryRun !== before.dryRun
  const values = {
    business_id: input.businessId,
    access_token_sealed: accessToken === null ? null : box.seal(accessToken, context(tenantId, 'meta_access_token')),
    app_secret_sealed: appSecret === null ? null : box.seal(appSecret, context(tenantId, 'meta_app_secret')),
    identity_mode: input.identityMode,
    invite_type: input.inviteType,
    work_accounts_invite: workAccountsInvite,
    default_role: input.defaultRole,
    dry_run: input.dryRun,
    // The admin API saves without `envOwned` and leaves the environment's ownership as it is.
    ...(envOwned === undefined
      ? { managed_by: before.managedBy === 'env' ? 'env' as const : managedBy }
      : { managed_by: Object.keys(envOwned).length > 0 ? 'env' as const : 'admin' as const, env_owned: JSON.stringify(envOwned) })
  }
  const row = await upsertMetaSettingsRow(trx, tenantId, values, credentialsChanged)
  return { changed, settings: toSettings(row) }
}

/**
 * Records whether Meta accepts the tenant's token (auth errors, reference §4.2 190/102/104).
 * Answers true when the status actually changed, so callers act once per transition.
 */
export async function setConnectionStatus (
  db: Executor, tenantId: string, status: ConnectionStatus, error: string | null
): Promise<boolean> {
  return await updateConnectionStatus(db, tenantId, status, error)
}
