import { readFileSync } from 'node:fs'
import type { Kysely, Transaction } from 'kysely'
import type { MetaEnv } from '../config.js'
import type { SecretBox } from '../crypto/secret-box.js'
import type { DB } from '../db/schema.js'
import type { BusinessRole } from '../meta/index.js'
import { AccessRulesError, parseAccessRulesJson, type AccessRule } from './access-rules.js'
import { unconfirmableRoleReason } from './confirmable-roles.js'
import { replaceAccessRules } from './access-rules-repository.js'
import { saveMetaSettings, type MetaSettingsInput } from './meta-settings.js'

/** The tenant's Meta settings and rules as the environment gives them (issue 5 "single-tenant"). */
export interface EnvMetaConfig {
  settings: MetaSettingsInput
  rules: AccessRule[]
}

/** Who is told to reconcile after a change (the provisioning queue). */
export interface ReconcileRequester {
  enqueueTenant: (trx: Transaction<DB>, tenantId: string, reason: string) => Promise<void>
  enqueueGroupNames: (trx: Transaction<DB>, tenantId: string, groupNames: readonly string[], reason: string) => Promise<void>
}

/** META_ACCESS_RULES: JSON, or `@path` to a file holding it. */
export function readAccessRules (value: string, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): AccessRule[] {
  if (!value.startsWith('@')) return parseAccessRulesJson(value)
  const path = value.slice(1)
  let text: string
  try {
    text = read(path)
  } catch (err) {
    throw new AccessRulesError(`META_ACCESS_RULES: cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`)
  }
  return parseAccessRulesJson(text)
}

/**
 * undefined when no META_* setting is set (the admin API owns the tenant's settings);
 * otherwise the complete settings, unset variables taking their defaults: the environment is
 * then the whole truth, applied at every start. An unset META_DEFAULT_ROLE means EMPLOYEE
 * (whoever the IdP assigns gets in); `none` means only rule matches get access.
 */
export function metaSettingsFromEnv (meta: MetaEnv, read?: (path: string) => string): EnvMetaConfig | undefined {
  const given = [meta.businessId, meta.accessToken, meta.appSecret, meta.identityMode, meta.inviteType, meta.defaultRole, meta.dryRun, meta.accessRules, meta.workAccountsInvite]
  if (given.every((v) => v === undefined)) return undefined
  const defaultRole: BusinessRole | null = meta.defaultRole === undefined ? 'EMPLOYEE' : meta.defaultRole === 'NONE' ? null : meta.defaultRole
  const refused = defaultRole === null ? null : unconfirmableRoleReason(defaultRole)
  if (refused !== null) throw new AccessRulesError(`META_DEFAULT_ROLE: ${refused}`)
  return {
    settings: {
      businessId: meta.businessId ?? null,
      accessToken: meta.accessToken ?? null,
      appSecret: meta.appSecret ?? null,
      identityMode: meta.identityMode ?? 'facebook_profiles',
      inviteType: meta.inviteType ?? 'FB',
      workAccountsInvite: meta.workAccountsInvite ?? false,
      defaultRole,
      dryRun: meta.dryRun ?? false
    },
    rules: meta.accessRules === undefined ? [] : readAccessRules(meta.accessRules, read)
  }
}

export interface ApplyResult {
  settingsChanged: boolean
  changedGroups: string[]
}

/**
 * Applies the environment's settings and rules to a tenant in one transaction, and in it asks
 * for the reconciles the change implies: everyone after a settings change, else the members of
 * groups whose rule changed. Unchanged configuration enqueues nothing.
 */
export async function applyEnvMetaSettings (db: Kysely<DB>, box: SecretBox, queue: ReconcileRequester, tenantId: string, config: EnvMetaConfig): Promise<ApplyResult> {
  return await db.transaction().execute(async (trx) => {
    const saved = await saveMetaSettings(trx, box, tenantId, config.settings, 'env')
    const changedGroups = await replaceAccessRules(trx, tenantId, config.rules)
    if (saved.changed) await queue.enqueueTenant(trx, tenantId, 'settings changed (environment)')
    else if (changedGroups.length > 0) await queue.enqueueGroupNames(trx, tenantId, changedGroups, 'access rules changed (environment)')
    return { settingsChanged: saved.changed, changedGroups }
  })
}
