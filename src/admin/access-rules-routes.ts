import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { DB } from '../db/schema.js'
import { listAccessRules } from '../tenants/access-rules-repository.js'
import { accessRuleInputSchema, AccessRulesError, parseAccessRules, type AccessRule } from '../tenants/access-rules.js'
import { updateAccessRules } from '../tenants/meta-settings-service.js'
import { effectiveDryRun, getMetaSettings, loadMetaCredentials } from '../tenants/meta-settings.js'
import { checkRuleAssets, type AssetCheck } from './access-rules-asset-check.js'
import { refuseEnvOwned } from './meta-connection-routes.js'
import { AdminError, parseInput } from './admin-errors.js'
import { requireProvisioning, type AdminProvisioning } from './provisioning-deps.js'
import type { ZodTypeProvider } from './zod-type-provider.js'

const rulesBody = z.object({ rules: z.array(accessRuleInputSchema).max(1000) }).strict()

/** The stored form, in the input's spelling, so a GET can be edited and PUT back. */
export const ruleView = (r: AccessRule) => ({
  group: r.groupName, role: r.role, priority: r.priority, assets: r.assets
})

/** `access rules[0].assets[1]: …` → `body.rules.0.assets.1`. */
function pathOf (message: string): string {
  const m = /^access rules\[(\d+)\](?:\.assets\[(\d+)\])?/.exec(message)
  if (m === null) return 'body.rules'
  return `body.rules.${m[1] ?? ''}${m[2] === undefined ? '' : `.assets.${m[2]}`}`
}

/**
 * Validates and stores a tenant's access rules (the admin API's PUT and the console's editor):
 * shape and enums first, with every bad field; then tasks, bundles and duplicate groups; then,
 * when connected, every asset a rule names must be one the business can grant. Throws AdminError.
 */
export async function saveAccessRules (
  db: Kysely<DB>, provisioning: AdminProvisioning | undefined, tenantId: string, input: unknown
) {
  refuseEnvOwned((await getMetaSettings(db, tenantId)).envOwned, [{ field: 'rules', setting: 'accessRules' }])
  const body = parseInput(rulesBody, input)
  let rules: AccessRule[]
  try {
    rules = parseAccessRules(body.rules)
  } catch (err) {
    if (!(err instanceof AccessRulesError)) throw err
    throw new AdminError(400, 'invalid_request', err.message, [{ path: pathOf(err.message), message: err.message }])
  }
  const { queue, box, clients } = requireProvisioning(provisioning)
  // A dry-run tenant calls nothing, so its rules are saved unchecked.
  let assetCheck: Omit<AssetCheck, 'unknown'> = { status: 'skipped', reason: 'no Meta connection, or dry run' }
  if (!effectiveDryRun(await getMetaSettings(db, tenantId))) {
    const client = clients.forTenant(await loadMetaCredentials(db, box, tenantId))
    if (client !== null) {
      const { unknown, ...result } = await checkRuleAssets(client, rules)
      if (unknown.length > 0) {
        throw new AdminError(400, 'invalid_request', unknown.map((u) => u.message).join('; '), unknown)
      }
      assetCheck = result
    }
  }
  const changed = await updateAccessRules(db, queue, tenantId, rules)
  return { rules: await listAccessRules(db, tenantId), changed, assetCheck }
}

/** Access rules of one tenant: group → role and asset tasks. */
export async function accessRulesRoutes (
  app: FastifyInstance, opts: { db: Kysely<DB>, provisioning?: AdminProvisioning | undefined }
): Promise<void> {
  const { db } = opts
  const admin = app.withTypeProvider<ZodTypeProvider>()

  admin.get('/access-rules', async (request) => {
    const rules = await listAccessRules(db, request.adminTenant.id)
    return { items: rules.map(ruleView), total: rules.length }
  })

  admin.put('/access-rules', {
    schema: { body: rulesBody },
    // Rules the environment owns are refused before their shape is looked at.
    preValidation: async (request) => {
      const { envOwned } = await getMetaSettings(db, request.adminTenant.id)
      refuseEnvOwned(envOwned, [{ field: 'rules', setting: 'accessRules' }])
    }
  }, async (request) => {
    const saved = await saveAccessRules(db, opts.provisioning, request.adminTenant.id, request.body)
    return {
      items: saved.rules.map(ruleView),
      total: saved.rules.length,
      changed_groups: saved.changed,
      asset_check: saved.assetCheck
    }
  })
}
