import t from 'tap'
import { parseAccessRulesJson } from '../../src/tenants/access-rules.js'
import { CONFIRMABLE_ROLES } from '../../src/tenants/confirmable-roles.js'
import { metaSettingsFromEnv } from '../../src/tenants/meta-settings-env.js'
import type { MetaEnv } from '../../src/config.js'

const env = (defaultRole: MetaEnv['defaultRole']): MetaEnv => ({
  businessId: '1',
  accessToken: undefined,
  appSecret: undefined,
  identityMode: undefined,
  inviteType: undefined,
  defaultRole,
  dryRun: undefined,
  workAccountsInvite: undefined,
  accessRules: undefined,
  graphUrl: 'http://127.0.0.1:1',
  apiVersion: 'v26.0',
  pollIntervalSeconds: 60,
  timeoutMs: 1000
})

// business_users.role shows only ADMIN and EMPLOYEE; finance and ads-rights roles show in
// finance_permission / ip_permission. Roles nothing shows are refused wherever rules come from.

t.test('META_ACCESS_RULES and META_DEFAULT_ROLE refuse roles that cannot be read back, saying why', async (t) => {
  t.throws(() => parseAccessRulesJson('[{"group":"Devs","role":"DEVELOPER"}]'),
    /access rules\[0\] \(group "Devs"\): role DEVELOPER cannot be granted by the bridge: Meta's business_users.role shows only base roles/)
  t.throws(() => parseAccessRulesJson('[{"group":"P","role":"PARTNER_CENTER_ANALYST"}]'), /PARTNER_CENTER_ANALYST.*use one of ADMIN, EMPLOYEE/)
  for (const role of CONFIRMABLE_ROLES) {
    t.equal(parseAccessRulesJson(JSON.stringify([{ group: 'G', role }]))[0]?.role, role, `${role} is accepted`)
  }
  t.throws(() => metaSettingsFromEnv(env('MANAGE')), /META_DEFAULT_ROLE: role MANAGE cannot be granted/)
  t.equal(metaSettingsFromEnv(env('EMPLOYEE'))?.settings.defaultRole, 'EMPLOYEE')
})
