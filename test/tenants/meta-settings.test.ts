import t from 'tap'
import { createSecretBox } from '../../src/crypto/secret-box.js'
import { AccessRulesError, parseAccessRules } from '../../src/tenants/access-rules.js'
import { listAccessRules } from '../../src/tenants/access-rules-repository.js'
import { applyEnvMetaSettings, describeEnvChanges, metaSettingsFromEnv, NO_ENV_META_CONFIG, readAccessRules } from '../../src/tenants/meta-settings-env.js'
import { reconnectTenant, updateAccessRules, updateMetaSettings } from '../../src/tenants/meta-settings-service.js'
import { effectiveDryRun, getMetaSettings, loadMetaCredentials, saveMetaSettings, setConnectionStatus } from '../../src/tenants/meta-settings.js'
import { insertTenant } from '../../src/tenants/tenants-repository.js'
import { testConfig } from '../helpers/app.js'
import { createTestDatabase } from '../helpers/database.js'

const database = await createTestDatabase(t)
const db = database.db
const box = createSecretBox(Buffer.alloc(32, 5))

function recorder () {
  const calls: string[] = []
  return {
    calls,
    enqueueTenant: async (_trx: unknown, _tenantId: string, reason: string) => { calls.push(`tenant: ${reason}`) },
    enqueueGroupNames: async (_trx: unknown, _tenantId: string, names: readonly string[]) => { calls.push(`groups: ${[...names].sort().join(',')}`) }
  }
}

t.test('secrets are sealed at rest and never part of the settings admins see', async (t) => {
  const tenant = await insertTenant(db, 'sealed')
  await db.transaction().execute(async (trx) => {
    await saveMetaSettings(trx, box, tenant.id, { businessId: '123', accessToken: 'EAAB-token', appSecret: 'app-secret', identityMode: 'facebook_profiles', inviteType: 'FB', defaultRole: 'EMPLOYEE', dryRun: false }, 'admin')
  })
  const row = await db.selectFrom('tenant_meta_settings').selectAll().where('tenant_id', '=', tenant.id).executeTakeFirstOrThrow()
  t.notMatch(JSON.stringify(row), /EAAB-token|app-secret/, 'no plaintext in the row')
  const settings = await getMetaSettings(db, tenant.id)
  t.match(settings, { businessId: '123', hasAccessToken: true, hasAppSecret: true })
  t.notMatch(JSON.stringify(settings), /EAAB-token/)
  t.match(await loadMetaCredentials(db, box, tenant.id), { accessToken: 'EAAB-token', appSecret: 'app-secret' })
  t.notOk(effectiveDryRun(settings))
  t.ok(effectiveDryRun({ ...settings, hasAccessToken: false }), 'no credentials means dry run')
})

t.test('a new token reconnects a disconnected tenant', async (t) => {
  const tenant = await insertTenant(db, 'reconnect')
  const base = { businessId: '1', accessToken: 'old', identityMode: 'facebook_profiles' as const, inviteType: 'FB' as const, defaultRole: null, dryRun: false }
  await db.transaction().execute(async (trx) => { await saveMetaSettings(trx, box, tenant.id, base, 'admin') })
  t.ok(await setConnectionStatus(db, tenant.id, 'disconnected', '190 expired'))
  t.notOk(await setConnectionStatus(db, tenant.id, 'disconnected', '190 expired'), 'a transition is reported once')
  const same = await db.transaction().execute(async (trx) => await saveMetaSettings(trx, box, tenant.id, { ...base, accessToken: undefined }, 'admin'))
  t.equal(same.settings.connection.status, 'disconnected', 'unchanged credentials keep the state')
  t.notOk(same.changed)
  const fresh = await db.transaction().execute(async (trx) => await saveMetaSettings(trx, box, tenant.id, { ...base, accessToken: 'new' }, 'admin'))
  t.ok(fresh.changed)
  t.equal(fresh.settings.connection.status, 'unknown')
})

t.test('access rules: bundles, tasks, case-insensitive groups, validation', async (t) => {
  const rules = parseAccessRules([
    { group: 'Marketing', role: 'employee', assets: [{ assetType: 'ad_account', assetId: '42', bundle: 'Advertiser' }] },
    { group: 'Social', assets: [{ assetType: 'page', assetId: '9', tasks: ['analyze', 'MODERATE'] }], priority: 5 }
  ])
  t.same(rules, [
    { groupName: 'Marketing', role: 'EMPLOYEE', assets: [{ assetType: 'ad_account', assetId: 'act_42', tasks: ['ADVERTISE', 'ANALYZE'] }], priority: 100 },
    { groupName: 'Social', role: null, assets: [{ assetType: 'page', assetId: '9', tasks: ['ANALYZE', 'MODERATE'] }], priority: 5 }
  ])
  t.throws(() => parseAccessRules([{ group: 'a' }, { group: 'A' }]), AccessRulesError, 'one rule per group, whatever its case')
  t.throws(() => parseAccessRules([{ group: 'a', role: 'BOSS' }]), AccessRulesError)
  t.throws(() => parseAccessRules([{ group: 'a', assets: [{ assetType: 'page', assetId: '1', tasks: ['FLY'] }] }]), /FLY is not a page task/)
  t.throws(() => parseAccessRules([{ group: 'a', assets: [{ assetType: 'pixel', assetId: '1', bundle: 'admin' }] }]), /no bundle/)
  t.same(readAccessRules('@/rules.json', () => '[{"group":"g"}]').map((r) => r.groupName), ['g'], '@path reads a file')
  t.throws(() => readAccessRules('@/missing.json', () => { throw new Error('ENOENT') }), /cannot read/)
})

t.test('the environment owns only what it sets; the rest stays the admin\'s across starts', async (t) => {
  const tenant = await insertTenant(db, 'env')
  t.equal(metaSettingsFromEnv(testConfig().meta), undefined, 'no META_* variable: the environment owns nothing')
  const fresh = await getMetaSettings(db, tenant.id)
  t.match(fresh, { defaultRole: 'EMPLOYEE', dryRun: true, envOwned: {} }, 'a tenant nobody configured: EMPLOYEE, dry run')
  // The admin connects the tenant and sets rules.
  const queue = recorder()
  await updateMetaSettings(db, box, queue, tenant.id, { businessId: '555', accessToken: 'EAAB-admin', identityMode: 'facebook_profiles', inviteType: 'FB', defaultRole: 'EMPLOYEE', dryRun: false })
  await updateAccessRules(db, queue, tenant.id, parseAccessRules([{ group: 'Admins', role: 'ADMIN' }, { group: 'Staff' }]))
  queue.calls.splice(0)

  // A start with only META_DRY_RUN=true "to be safe".
  const safe = metaSettingsFromEnv(testConfig({ META_DRY_RUN: 'true' }).meta)!
  t.same(safe, { settings: { dryRun: true }, owned: { dryRun: 'META_DRY_RUN' } })
  const applied = await applyEnvMetaSettings(db, box, queue, tenant.id, safe)
  t.same(applied.changes, [{ setting: 'dryRun', variable: 'META_DRY_RUN', change: 'set true' }], 'the one change, named')
  t.equal(describeEnvChanges(applied.changes), 'the environment changed stored Meta settings: META_DRY_RUN set true')
  t.same(queue.calls.splice(0), ['tenant: settings changed (environment)'])
  t.match(await getMetaSettings(db, tenant.id), { businessId: '555', hasAccessToken: true, dryRun: true, managedBy: 'env', envOwned: { dryRun: 'META_DRY_RUN' } },
    'the business id and token the admin set are kept')
  t.same((await listAccessRules(db, tenant.id)).map((r) => r.groupName), ['Admins', 'Staff'], 'the admin\'s rules are kept')
  t.match(await loadMetaCredentials(db, box, tenant.id), { accessToken: 'EAAB-admin' })

  const again = await applyEnvMetaSettings(db, box, queue, tenant.id, safe)
  t.same(again, { settingsChanged: false, changedGroups: [], changes: [] }, 'the same environment again changes nothing')
  t.same(queue.calls.splice(0), [], 'and enqueues nothing')

  // The environment takes over the token and the rules.
  const owning = metaSettingsFromEnv(testConfig({
    META_DRY_RUN: 'true', META_ACCESS_TOKEN: 'EAAB-env', META_ACCESS_RULES: JSON.stringify([{ group: 'Admins', role: 'ADMIN', priority: 1 }])
  }).meta)!
  const took = await applyEnvMetaSettings(db, box, queue, tenant.id, owning)
  t.same(took.changes.map((c) => `${c.variable} ${c.change}`), ['META_ACCESS_TOKEN set replaced', 'META_ACCESS_RULES changed the rules of Admins, Staff'])
  t.notMatch(JSON.stringify(took.changes), /EAAB/, 'no secret in the listed changes')
  t.same((await listAccessRules(db, tenant.id)).map((r) => r.groupName), ['Admins'])

  // A start without META_*: every setting goes back to the admin, with its value.
  const released = await applyEnvMetaSettings(db, box, queue, tenant.id, NO_ENV_META_CONFIG)
  t.same(released.changes.map((c) => c.variable).sort(), ['META_ACCESS_RULES', 'META_ACCESS_TOKEN', 'META_DRY_RUN'])
  t.match(released.changes[0]!.change, /^no longer set: the admin's now \(kept /)
  t.match(await getMetaSettings(db, tenant.id), { managedBy: 'admin', envOwned: {}, dryRun: true, hasAccessToken: true })
  t.same((await listAccessRules(db, tenant.id)).map((r) => r.groupName), ['Admins'], 'the rules stay as they were')
  t.same((await applyEnvMetaSettings(db, box, queue, tenant.id, NO_ENV_META_CONFIG)).changes, [], 'then nothing more')

  const none = metaSettingsFromEnv(testConfig({ META_BUSINESS_ID: '555', META_DEFAULT_ROLE: 'none' }).meta)!
  t.same(none.settings, { businessId: '555', defaultRole: null }, 'META_DEFAULT_ROLE=none: no default role; unset variables absent')
})

t.test('admin changes commit with the reconciles they imply', async (t) => {
  const tenant = await insertTenant(db, 'admin')
  const queue = recorder()
  const input = { businessId: '9', accessToken: 'tok', identityMode: 'facebook_profiles' as const, inviteType: 'FB' as const, defaultRole: null, dryRun: false }
  t.ok((await updateMetaSettings(db, box, queue, tenant.id, input)).changed)
  t.notOk((await updateMetaSettings(db, box, queue, tenant.id, { ...input, accessToken: undefined })).changed)
  t.same(queue.calls.splice(0), ['tenant: Meta settings changed'], 'only the change reconciles')
  t.same(await updateAccessRules(db, queue, tenant.id, parseAccessRules([{ group: 'Ops', role: 'ADMIN' }])), ['Ops'])
  t.same(queue.calls.splice(0), ['groups: Ops'])
  await setConnectionStatus(db, tenant.id, 'disconnected', '190')
  await reconnectTenant(db, queue, tenant.id)
  t.equal((await getMetaSettings(db, tenant.id)).connection.status, 'unknown')
  t.same(queue.calls.splice(0), ['tenant: reconnected'])
})
