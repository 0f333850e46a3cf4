import { readFileSync } from 'node:fs'
import type { Kysely, Transaction } from 'kysely'
import type { MetaEnv } from '../config.js'
import type { SecretBox } from '../crypto/secret-box.js'
import type { DB } from '../db/schema.js'
import type { BusinessRole } from '../meta/index.js'
import { AccessRulesError, parseAccessRulesJson, type AccessRule } from './access-rules.js'
import { unconfirmableRoleReason } from './confirmable-roles.js'
import { replaceAccessRules } from './access-rules-repository.js'
import { loadMetaCredentials, saveMetaSettings, type EnvOwnership, type MetaSettingsInput, type OwnedSetting } from './meta-settings.js'

/** What the environment sets of a tenant's Meta settings and rules; unset variables are absent. */
export interface EnvMetaConfig {
  settings: Partial<MetaSettingsInput>
  /** Present only when META_ACCESS_RULES is set: then the environment owns the whole rule list. */
  rules?: AccessRule[]
  owned: EnvOwnership
}

/** The variable behind each setting. */
export const SETTING_VARIABLES: Record<OwnedSetting, string> = {
  businessId: 'META_BUSINESS_ID',
  accessToken: 'META_ACCESS_TOKEN',
  appSecret: 'META_APP_SECRET',
  identityMode: 'META_IDENTITY_MODE',
  inviteType: 'META_INVITE_TYPE',
  defaultRole: 'META_DEFAULT_ROLE',
  dryRun: 'META_DRY_RUN',
  workAccountsInvite: 'META_WORK_ACCOUNTS_INVITE',
  accessRules: 'META_ACCESS_RULES'
}

/** A start's environment that sets no META_* setting: it owns nothing. */
export const NO_ENV_META_CONFIG: EnvMetaConfig = { settings: {}, owned: {} }

/** One stored setting a start changed, for the warning that lists them. Secrets are not shown. */
export interface EnvSettingChange {
  setting: OwnedSetting
  variable: string
  /** What happened: the new value, or that the environment let go of the setting. */
  change: string
}

/** Who is told to reconcile after a change (the provisioning queue). */
export interface ReconcileRequester {
  enqueueTenant: (trx: Transaction<DB>, tenantId: string, reason: string) => Promise<void>
  enqueueGroupNames: (
    trx: Transaction<DB>, tenantId: string, groupNames: readonly string[], reason: string
  ) => Promise<void>
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
 * undefined when no META_* setting is set. Otherwise each variable that is set owns its setting
 * (applied at every start, read-only through the admin API); a variable left unset leaves its
 * setting to the admin, and a start never overwrites it. `META_DEFAULT_ROLE=none` means only
 * rule matches get access.
 */
export function metaSettingsFromEnv (meta: MetaEnv, read?: (path: string) => string): EnvMetaConfig | undefined {
  const settings: Partial<MetaSettingsInput> = {}
  if (meta.businessId !== undefined) settings.businessId = meta.businessId
  if (meta.accessToken !== undefined) settings.accessToken = meta.accessToken
  if (meta.appSecret !== undefined) settings.appSecret = meta.appSecret
  if (meta.identityMode !== undefined) settings.identityMode = meta.identityMode
  if (meta.inviteType !== undefined) settings.inviteType = meta.inviteType
  if (meta.defaultRole !== undefined) {
    const role = meta.defaultRole === 'NONE' ? null : meta.defaultRole as BusinessRole
    const refused = role === null ? null : unconfirmableRoleReason(role)
    if (refused !== null) throw new AccessRulesError(`META_DEFAULT_ROLE: ${refused}`)
    settings.defaultRole = role
  }
  if (meta.dryRun !== undefined) settings.dryRun = meta.dryRun
  if (meta.workAccountsInvite !== undefined) settings.workAccountsInvite = meta.workAccountsInvite
  const rules = meta.accessRules === undefined ? undefined : readAccessRules(meta.accessRules, read)
  const owned: EnvOwnership = {}
  for (const key of Object.keys(settings) as OwnedSetting[]) owned[key] = SETTING_VARIABLES[key]
  if (rules !== undefined) owned.accessRules = SETTING_VARIABLES.accessRules
  if (Object.keys(owned).length === 0) return undefined
  return { settings, ...(rules === undefined ? {} : { rules }), owned }
}

export interface ApplyResult {
  settingsChanged: boolean
  changedGroups: string[]
  /** Every stored setting this start changed, and every setting the environment let go of. */
  changes: EnvSettingChange[]
}

const SECRETS: ReadonlySet<OwnedSetting> = new Set(['accessToken', 'appSecret'])

function shown (setting: OwnedSetting, value: unknown): string {
  if (SECRETS.has(setting)) return value === null ? 'cleared' : 'replaced'
  return value === null ? 'none' : String(value)
}

/** The warning a start logs when it changed stored settings: one line, every change named. */
export function describeEnvChanges (changes: readonly EnvSettingChange[]): string {
  return `the environment changed stored Meta settings: ${changes.map((c) => `${c.variable} ${c.change}`).join('; ')}`
}

/**
 * Applies what the environment sets to a tenant in one transaction, and in it asks for the
 * reconciles the change implies: everyone after a settings change, else the members of groups
 * whose rule changed. Settings the environment does not set keep their stored value; settings
 * it stopped setting go back to the admin with their value. Unchanged configuration writes and
 * enqueues nothing.
 */
export async function applyEnvMetaSettings (
  db: Kysely<DB>, box: SecretBox, queue: ReconcileRequester, tenantId: string, config: EnvMetaConfig
): Promise<ApplyResult> {
  return await db.transaction().execute(async (trx) => {
    const before = await loadMetaCredentials(trx, box, tenantId)
    const changes: EnvSettingChange[] = []
    const current: Record<OwnedSetting, unknown> = {
      businessId: before.businessId,
      accessToken: before.accessToken,
      appSecret: before.appSecret,
      identityMode: before.identityMode,
      inviteType: before.inviteType,
      defaultRole: before.defaultRole,
      dryRun: before.dryRun,
      workAccountsInvite: before.workAccountsInvite,
      accessRules: undefined
    }
    for (const [key, value] of Object.entries(config.settings) as Array<[OwnedSetting, unknown]>) {
      if (value !== current[key]) changes.push({ setting: key, variable: SETTING_VARIABLES[key], change: `set ${shown(key, value)}` })
    }
    for (const key of Object.keys(before.envOwned) as OwnedSetting[]) {
      if (config.owned[key] === undefined) {
        const kept = key === 'accessRules' ? 'the rules' : shown(key, current[key]).replace(/^replaced$/, 'the secret')
        changes.push({ setting: key, variable: SETTING_VARIABLES[key], change: `no longer set: the admin's now (kept ${kept})` })
      }
    }
    const ownershipChanged =
      JSON.stringify(Object.keys(before.envOwned).sort()) !== JSON.stringify(Object.keys(config.owned).sort())
    let settingsChanged = false
    if (changes.some((c) => c.setting !== 'accessRules') || ownershipChanged) {
      const input: MetaSettingsInput = {
        businessId: config.settings.businessId !== undefined ? config.settings.businessId : before.businessId,
        ...(config.settings.accessToken === undefined ? {} : { accessToken: config.settings.accessToken }),
        ...(config.settings.appSecret === undefined ? {} : { appSecret: config.settings.appSecret }),
        identityMode: config.settings.identityMode ?? before.identityMode,
        inviteType: config.settings.inviteType ?? before.inviteType,
        defaultRole: config.settings.defaultRole !== undefined ? config.settings.defaultRole : before.defaultRole,
        dryRun: config.settings.dryRun ?? before.dryRun,
        workAccountsInvite: config.settings.workAccountsInvite ?? before.workAccountsInvite
      }
      settingsChanged = (await saveMetaSettings(trx, box, tenantId, input, 'env', config.owned)).changed
    }
    const changedGroups = config.rules === undefined ? [] : await replaceAccessRules(trx, tenantId, config.rules)
    if (changedGroups.length > 0) {
      changes.push({ setting: 'accessRules', variable: SETTING_VARIABLES.accessRules, change: `changed the rules of ${[...changedGroups].sort().join(', ')}` })
    }
    if (settingsChanged) await queue.enqueueTenant(trx, tenantId, 'settings changed (environment)')
    else if (changedGroups.length > 0) await queue.enqueueGroupNames(trx, tenantId, changedGroups, 'access rules changed (environment)')
    return { settingsChanged, changedGroups, changes }
  })
}
